/** The records of a sandbox portal, the changes they report, and the errors the store raises. */

export type ObjectKind = 'contacts' | 'tickets' | 'companies' | 'feedback_submissions';

export const OBJECT_KINDS: readonly ObjectKind[] = ['contacts', 'tickets', 'companies', 'feedback_submissions'];

/** The singular name webhooks use in subscription types (`company.propertyChange`). */
export const SINGULAR: Record<ObjectKind, string> = {
  contacts: 'contact',
  tickets: 'ticket',
  companies: 'company',
  feedback_submissions: 'feedback_submission',
};

export interface StoredObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

export interface ChangeOrigin {
  changeSource: string;
  sourceId?: string;
}

/** A change as the webhook layer needs it; the dispatcher adds ids, portal, app and timing. */
export interface ChangeEvent {
  subscriptionType: string;
  /** Absent on association changes: HubSpot documents only their from/to ids. */
  objectId?: number;
  /** Generic (`object.*`) events only. */
  objectTypeId?: string;
  changeSource?: string;
  sourceId?: string;
  propertyName?: string;
  propertyValue?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
}

export class PropertyValidationError extends Error {
  constructor(readonly problems: { name: string; error: string; message: string }[]) {
    super('Property values were not valid');
  }
}

export class ObjectNotFoundError extends Error {
  constructor(
    readonly kind: ObjectKind,
    readonly id: string,
  ) {
    super(`${kind} ${id} not found`);
  }
}

import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * One event of a HubSpot webhook batch, as HubSpot sends it (docs/hubspot-contracts.md, Delivery). Unknown fields are
 * kept: the inbox stores the event as received, and a field we do not read today costs nothing.
 */
const objectId = z.number().int().nonnegative();

export const webhookEventSchema = z.looseObject({
  eventId: z.number().int().optional(),
  subscriptionId: z.number().int().optional(),
  portalId: z.number().int().positive(),
  appId: z.number().int().optional(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(1).max(100),
  attemptNumber: z.number().int().nonnegative().optional(),
  objectId: objectId.optional(),
  objectTypeId: z.string().max(20).optional(),
  propertyName: z.string().max(200).optional(),
  // HubSpot sends values as strings; tolerate numbers and booleans and keep them as text.
  propertyValue: z
    .union([z.string(), z.number(), z.boolean(), z.null()])
    .transform((v) => (v === null ? null : String(v)))
    .optional(),
  changeSource: z.string().max(100).optional(),
  sourceId: z.string().max(200).optional(),
  changeFlag: z.string().max(100).optional(),
  primaryObjectId: objectId.optional(),
  mergedObjectIds: z.array(objectId).max(1000).optional(),
  newObjectId: objectId.optional(),
  numberOfPropertiesMoved: z.number().int().optional(),
  associationType: z.string().max(100).optional(),
  fromObjectId: objectId.optional(),
  toObjectId: objectId.optional(),
  fromObjectTypeId: z.string().max(20).optional(),
  toObjectTypeId: z.string().max(20).optional(),
  associationRemoved: z.boolean().optional(),
  isPrimaryAssociation: z.boolean().optional(),
});

/** HubSpot sends at most 100 events a request; a little headroom keeps a future change from turning into endless retries. */
export const MAX_EVENTS_PER_REQUEST = 1000;

export const webhookBatchSchema = z.array(webhookEventSchema).max(MAX_EVENTS_PER_REQUEST);

export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export type ObjectKind = 'contact' | 'ticket' | 'company' | 'other';
export type ChangeKind =
  'creation' | 'deletion' | 'privacyDeletion' | 'propertyChange' | 'merge' | 'restore' | 'associationChange' | 'other';

const OBJECT_TYPE_IDS: Record<string, ObjectKind> = { '0-1': 'contact', '0-5': 'ticket', '0-2': 'company' };
const CHANGE_KINDS = new Set<ChangeKind>([
  'creation',
  'deletion',
  'privacyDeletion',
  'propertyChange',
  'merge',
  'restore',
  'associationChange',
]);

/**
 * What an event is about, whichever subscription style delivered it: legacy (`contact.creation`)
 * or generic (`object.creation` with `objectTypeId: "0-1"`, which the 2025.2 `crmObjects`
 * subscriptions deliver).
 */
export function classifyEvent(event: Pick<WebhookEvent, 'subscriptionType' | 'objectTypeId'>): { object: ObjectKind; change: ChangeKind } {
  const dot = event.subscriptionType.indexOf('.');
  const prefix = dot < 0 ? event.subscriptionType : event.subscriptionType.slice(0, dot);
  const suffix = dot < 0 ? '' : event.subscriptionType.slice(dot + 1);
  let object: ObjectKind = 'other';
  if (prefix === 'contact' || prefix === 'ticket' || prefix === 'company') object = prefix;
  else if (prefix === 'object') object = OBJECT_TYPE_IDS[event.objectTypeId ?? ''] ?? 'other';
  const change = CHANGE_KINDS.has(suffix as ChangeKind) ? (suffix as ChangeKind) : 'other';
  return { object, change };
}

// HubSpot names association types by object (`CONTACT_TO_TICKET`); the generic dialect may
// carry type ids instead. Both spellings map to one lowercase object name.
const OBJECT_NAMES: Record<string, string> = {
  CONTACT: 'contact',
  COMPANY: 'company',
  DEAL: 'deal',
  TICKET: 'ticket',
  LINE_ITEM: 'line_item',
  PRODUCT: 'product',
  '0-1': 'contact',
  '0-2': 'company',
  '0-3': 'deal',
  '0-5': 'ticket',
  '0-8': 'line_item',
  '0-7': 'product',
};

export interface AssociationPair {
  /** Lowercase object names, e.g. `contact` and `ticket`; unknown types keep their own lowercase name. */
  readonly from: string;
  readonly to: string;
  readonly fromObjectId: number;
  readonly toObjectId: number;
}

function objectName(raw: string): string {
  const upper = raw.trim().toUpperCase();
  return OBJECT_NAMES[upper] ?? OBJECT_NAMES[raw.trim()] ?? upper.toLowerCase();
}

/**
 * Both ends of an association change, as documented: `associationType` `FROM_TO_TO`, with the
 * ids in `fromObjectId` and `toObjectId` (there is no `objectId`). Explicit `fromObjectTypeId` /
 * `toObjectTypeId`, when present, win over the names. Null when an end cannot be told.
 */
export function associationPairOf(event: WebhookEvent): AssociationPair | null {
  if (event.fromObjectId === undefined || event.toObjectId === undefined) return null;
  const split = /^(.+?)_TO_(.+)$/i.exec(event.associationType ?? '');
  const from = event.fromObjectTypeId ? objectName(event.fromObjectTypeId) : split ? objectName(split[1]) : null;
  const to = event.toObjectTypeId ? objectName(event.toObjectTypeId) : split ? objectName(split[2]) : null;
  if (!from || !to) return null;
  return { from, to, fromObjectId: event.fromObjectId, toObjectId: event.toObjectId };
}

/** The ids a merge names: the survivor, and every id that no longer exists. Null when no id is given. */
export function mergeOutcomeOf(event: WebhookEvent): { survivor: string; gone: string[] } | null {
  // newObjectId is set when the merge created a new record; then the primary is gone as well.
  const survivor = event.newObjectId ?? event.primaryObjectId ?? event.objectId;
  if (survivor === undefined) return null;
  const gone = [event.objectId, event.primaryObjectId, ...(event.mergedObjectIds ?? [])]
    .filter((x): x is number => x !== undefined && x !== survivor)
    .map(String);
  return { survivor: String(survivor), gone: [...new Set(gone)] };
}

/**
 * A key derived from what the event says, not from `eventId`, which HubSpot does not promise to
 * be unique: a redelivery (same content, new attempt) maps to the same key, two real changes do not.
 */
export function dedupeKeyOf(event: WebhookEvent): string {
  const identity = [
    event.portalId,
    event.subscriptionType,
    event.objectTypeId ?? null,
    event.objectId ?? null,
    event.propertyName ?? null,
    event.propertyValue ?? null,
    event.occurredAt,
    event.primaryObjectId ?? null,
    event.mergedObjectIds ?? null,
    event.newObjectId ?? null,
    event.associationType ?? null,
    event.fromObjectId ?? null,
    event.toObjectId ?? null,
    event.associationRemoved ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url');
}

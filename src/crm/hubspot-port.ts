import type { PortalId, PropertyBag } from './model';

/**
 * What the app needs from HubSpot for one portal, in our own types. Implemented by src/hubspot
 * (the only importer of the SDK); every call goes through that portal's rate limiter and retry policy.
 */

export interface CrmRecord {
  readonly id: string;
  readonly properties: PropertyBag;
  /** HubSpot's last-modified time of the record, epoch ms. */
  readonly updatedAt: number;
}

export interface CompanyLinkRecord {
  readonly companyId: string;
  /** Under HubSpot's Primary label. */
  readonly primary: boolean;
}

export interface ContactRecord extends CrmRecord {
  /** Associated ticket ids when requested with the page, else null. */
  readonly ticketIds: readonly string[] | null;
  /** Associated companies when requested with the page, else null. */
  readonly companyLinks?: readonly CompanyLinkRecord[] | null;
  /** Associated survey responses (feedback submissions) when requested with the page, else null. */
  readonly surveyIds?: readonly string[] | null;
}

export interface Page<T> {
  readonly results: readonly T[];
  /** The cursor of the next page; null on the last page. */
  readonly nextAfter: string | null;
}

export interface SearchPage<T> {
  readonly results: readonly T[];
  /** The offset of the next page; null on the last page. */
  readonly nextAfter: number | null;
  readonly total: number;
}

export interface BatchWriteResult {
  readonly written: readonly string[];
  /** Inputs HubSpot reported as failed (207); `notFound` when the record does not exist any more. */
  readonly failed: readonly { readonly id: string; readonly message: string; readonly notFound: boolean }[];
}

export interface PropertyOptionDefinition {
  readonly label: string;
  readonly value: string;
  readonly displayOrder: number;
  readonly hidden: boolean;
  readonly description?: string;
}

export interface ContactPropertyInfo {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly fieldType: string;
  readonly groupName: string;
  readonly options: readonly PropertyOptionDefinition[];
}

export interface NewContactProperty {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly fieldType: string;
  readonly groupName: string;
  readonly description: string;
  readonly formField: boolean;
  readonly options: readonly PropertyOptionDefinition[];
}

export type ObjectKind = 'contacts' | 'tickets' | 'companies' | 'feedback_submissions';

export interface PortalHubSpot {
  readonly portalId: PortalId;
  listContacts(options: {
    after: string | null;
    properties: readonly string[];
    withTickets: boolean;
    withCompanies?: boolean;
    withSurveys?: boolean;
  }): Promise<Page<ContactRecord>>;
  listTickets(options: { after: string | null; properties: readonly string[] }): Promise<Page<CrmRecord>>;
  /** Records modified at or after `since` (epoch ms), oldest first, through CRM search. */
  searchModifiedSince(
    kind: ObjectKind,
    options: { since: number; after: number | null; properties: readonly string[] },
  ): Promise<SearchPage<CrmRecord>>;
  /** How many records of a kind the portal holds (one search request; search does not count against the burst budget). */
  countObjects(kind: ObjectKind): Promise<number>;
  /** Batch reads (at most 100 ids); ids that do not exist are left out. */
  readContacts(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]>;
  readTickets(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]>;
  /** Batch reads (at most 100 ids) of companies and of survey responses; ids that do not exist are left out. */
  readCompanies(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]>;
  readSurveys(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]>;
  /** Companies of each contact with the Primary label marked (v4 batch read, at most 1,000 ids). */
  companyLinksOfContacts(contactIds: readonly string[]): Promise<Map<string, CompanyLinkRecord[]>>;
  surveyIdsOfContacts(contactIds: readonly string[]): Promise<Map<string, string[]>>;
  contactIdsOfSurveys(surveyIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Ticket ids of each contact (v4 batch read, at most 1,000 ids); contacts without tickets map to []. */
  ticketIdsOfContacts(contactIds: readonly string[]): Promise<Map<string, string[]>>;
  contactIdsOfTickets(ticketIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Batch update (at most 100 inputs). */
  updateContacts(inputs: readonly { id: string; properties: Record<string, string> }[]): Promise<BatchWriteResult>;
  /** Batch update of companies (at most 100 inputs; needs `crm.objects.companies.write`). */
  updateCompanies(inputs: readonly { id: string; properties: Record<string, string> }[]): Promise<BatchWriteResult>;
  /** Properties and groups of the objects the app writes (company ones need `crm.schemas.companies.write`). */
  createPropertyGroup(
    objectType: PropertyObjectType,
    group: { name: string; label: string; displayOrder: number },
  ): Promise<'created' | 'exists'>;
  getProperty(objectType: PropertyObjectType, name: string): Promise<ContactPropertyInfo | null>;
  createProperty(objectType: PropertyObjectType, definition: NewContactProperty): Promise<void>;
  updateProperty(
    objectType: PropertyObjectType,
    name: string,
    patch: { label?: string; options?: readonly PropertyOptionDefinition[] },
  ): Promise<void>;
}

/** The objects whose properties the app creates: persona properties on contacts, the buying committee's on companies. */
export type PropertyObjectType = 'contacts' | 'companies';

/**
 * What the portal's marketers built on top of our properties: active lists (Lists v3, with their
 * filter definitions) and workflows (automation v4 flows, with enrollment criteria and actions),
 * as HubSpot sends them. Lists need the optional `crm.lists.read` scope; flows need `automation`.
 */
export interface PortalAutomationReader {
  activeListsWithFilters(): Promise<unknown[]>;
  flowsWithDefinitions(): Promise<unknown[]>;
}

export interface HubSpotGateways {
  forPortal(portalId: PortalId): PortalHubSpot;
}

/** HubSpot refused the portal's refresh token: the portal must be installed again. */
export class ReauthorizationRequiredError extends Error {
  constructor(
    readonly portalId: PortalId,
    message = `Portal ${portalId} needs to be re-authorized: HubSpot rejected its refresh token`,
  ) {
    super(message);
    this.name = 'ReauthorizationRequiredError';
  }
}

/** A HubSpot call that failed for good (after the retries the policy allows). */
export class HubSpotCallError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number | null,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'HubSpotCallError';
  }
}

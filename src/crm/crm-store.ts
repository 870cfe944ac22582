import type { ContactWithTickets, PortalId, PropertyBag } from './model';

export interface StoredContact {
  readonly id: string;
  readonly email: string | null;
  readonly properties: PropertyBag;
  readonly hsUpdatedAt: number;
  readonly archived: boolean;
}

export interface StoredTicket {
  readonly id: string;
  readonly properties: PropertyBag;
  readonly createdAt: number | null;
  readonly hsUpdatedAt: number;
}

export interface StoredCompany {
  readonly id: string;
  readonly properties: PropertyBag;
  readonly hsUpdatedAt: number;
}

/** A survey response (HubSpot feedback submission). */
export interface StoredSurvey {
  readonly id: string;
  readonly properties: PropertyBag;
  /** `hs_createdate`, epoch ms; null when HubSpot gave none that parses. */
  readonly createdAt: number | null;
  readonly hsUpdatedAt: number;
}

/** A contact with everything its rules can read. */
export interface ContactWithStoredTickets {
  readonly contact: StoredContact;
  readonly tickets: readonly StoredTicket[];
  /** The primary company, when the contact has one and the app has stored it. */
  readonly company: StoredCompany | null;
  readonly surveys: readonly StoredSurvey[];
}

/** How many survey comments a persona's sheet shows as "What they say" (gallery and card), newest first. */
export const WHAT_THEY_SAY_SHOWN = 5;

/** A survey comment as evidence on a persona's sheet ("What they say"). */
export interface SurveyQuote {
  readonly contactId: string;
  readonly surveyId: string;
  readonly comment: string;
  readonly type: string | null;
  readonly score: number | null;
  /** `hs_createdate`, epoch ms; null when HubSpot gave none that parses. */
  readonly createdAt: number | null;
}

export interface ContactCompanyLink {
  readonly contactId: string;
  readonly companyId: string;
  /** Under HubSpot's Primary label (at most one per contact). */
  readonly primary: boolean;
}

export interface ContactSurveyLink {
  readonly contactId: string;
  readonly surveyId: string;
}

export interface ContactTicketLink {
  readonly contactId: string;
  readonly ticketId: string;
}

/** A contact associated with a company (any label) and its effective persona: the manual value first, null when not scored yet. */
export interface CompanyContactPersona {
  readonly contactId: string;
  readonly personaId: string | null;
  /** The company is the contact's primary company. */
  readonly primary: boolean;
}

/** A company's buying-committee values as last written to HubSpot (`;`-joined persona ids, '' when empty). */
export interface WrittenCoverage {
  readonly coverage: string;
  readonly gaps: string;
}

/** A row of the Accounts view. */
export interface CompanySummary {
  readonly id: string;
  readonly name: string | null;
  readonly domain: string | null;
  /** Associated (unarchived) contacts, any label. */
  readonly contacts: number;
  /** What was last written to the company's committee properties; null when nothing was yet. */
  readonly written: WrittenCoverage | null;
}

export interface CompanyListOptions {
  /** `size`: most contacts first; `name`: by name. Ties by id either way. */
  readonly sort: 'size' | 'name';
  /** Only companies whose last written gaps include this persona id. */
  readonly gap?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface CrmCounts {
  readonly contacts: number;
  readonly tickets: number;
  readonly associations: number;
  readonly companies: number;
  readonly surveys: number;
}

export interface CrmStore {
  /**
   * Runs `work` against a store whose writes commit together, or not at all: a listed page's
   * contacts and links are one commit (on SQLite one disk sync instead of one per write).
   */
  transaction<T>(work: (crm: CrmStore) => Promise<T>): Promise<T>;
  /** Replaces each contact's stored properties with the ones given (we always fetch the full set we need). */
  upsertContacts(portalId: PortalId, contacts: readonly StoredContact[], syncedAt: number): Promise<void>;
  upsertTickets(portalId: PortalId, tickets: readonly StoredTicket[], syncedAt: number): Promise<void>;
  /** For each contact named, its ticket links become exactly the ones given. */
  replaceContactTickets(portalId: PortalId, contactIds: readonly string[], links: readonly ContactTicketLink[]): Promise<void>;
  link(portalId: PortalId, links: readonly ContactTicketLink[]): Promise<void>;
  unlink(portalId: PortalId, links: readonly ContactTicketLink[]): Promise<void>;
  upsertCompanies(portalId: PortalId, companies: readonly StoredCompany[], syncedAt: number): Promise<void>;
  /** For each contact named, its company links become exactly the ones given. */
  replaceContactCompanies(portalId: PortalId, contactIds: readonly string[], links: readonly ContactCompanyLink[]): Promise<void>;
  /** One stored company; null when the app has not synced it (the company card's "unknown company"). */
  getCompany(portalId: PortalId, id: string): Promise<StoredCompany | null>;
  companyIdsSyncedSince(portalId: PortalId, ids: readonly string[], since: number): Promise<Set<string>>;
  /** Contacts linked to these companies (only those whose primary company it is, when `primaryOnly`). */
  contactIdsOfCompanies(portalId: PortalId, companyIds: readonly string[], options: { primaryOnly: boolean }): Promise<string[]>;
  deleteCompanies(portalId: PortalId, ids: readonly string[]): Promise<void>;
  /** Each company named (present even with no contacts, as []), with its unarchived associated contacts in id order. */
  contactPersonasOfCompanies(portalId: PortalId, companyIds: readonly string[]): Promise<Map<string, CompanyContactPersona[]>>;
  /** The same for the companies with an id in (after, through] that have contacts (a full recompute's reads, by range). */
  contactPersonasOfCompanyRange(
    portalId: PortalId,
    range: { after: string | null; through: string },
  ): Promise<Map<string, CompanyContactPersona[]>>;
  /** The companies these contacts are associated with (any label), sorted. */
  companyIdsOfContacts(portalId: PortalId, contactIds: readonly string[]): Promise<string[]>;
  /** Companies that have associated contacts or committee values written, in id order after `afterId`: what a full recompute visits. */
  companyIdsForCoverage(portalId: PortalId, afterId: string | null, limit: number): Promise<string[]>;
  /** Stored companies with their contact counts and written coverage, for the Accounts view. */
  listCompanies(portalId: PortalId, options: CompanyListOptions): Promise<{ companies: CompanySummary[]; total: number }>;
  writtenCoverage(portalId: PortalId, companyIds: readonly string[]): Promise<Map<string, WrittenCoverage>>;
  /** Records what HubSpot accepted for these companies. */
  markCoverageWritten(portalId: PortalId, written: readonly { companyId: string; values: WrittenCoverage }[], at: number): Promise<void>;
  upsertSurveys(portalId: PortalId, surveys: readonly StoredSurvey[], syncedAt: number): Promise<void>;
  /** For each contact named, its survey links become exactly the ones given. */
  replaceContactSurveys(portalId: PortalId, contactIds: readonly string[], links: readonly ContactSurveyLink[]): Promise<void>;
  surveyIdsSyncedSince(portalId: PortalId, ids: readonly string[], since: number): Promise<Set<string>>;
  /** The newest survey comments of contacts whose effective persona (manual value first) is this one, at most `limit`. */
  recentSurveyComments(portalId: PortalId, personaId: string, limit: number): Promise<SurveyQuote[]>;
  getContact(portalId: PortalId, id: string): Promise<StoredContact | null>;
  /** The contacts alone, for callers that need no related records (the write-back compares persona values). */
  getContacts(portalId: PortalId, ids: readonly string[]): Promise<Map<string, StoredContact>>;
  getContactsWithTickets(portalId: PortalId, ids: readonly string[]): Promise<Map<string, ContactWithStoredTickets>>;
  /** Streams every unarchived contact with its tickets, in id order, a batch at a time: never the whole portal in memory. */
  streamContactsWithTickets(
    portalId: PortalId,
    options?: { batchSize?: number; afterId?: string },
  ): AsyncIterable<ContactWithStoredTickets[]>;
  contactIdsOfTicket(portalId: PortalId, ticketId: string): Promise<string[]>;
  /** Those of these tickets stored (read from HubSpot) at or after `since`. */
  ticketIdsSyncedSince(portalId: PortalId, ids: readonly string[], since: number): Promise<Set<string>>;
  listContactIds(portalId: PortalId, afterId: string | null, limit: number): Promise<string[]>;
  listTicketIds(portalId: PortalId, afterId: string | null, limit: number): Promise<string[]>;
  /** Finds contacts by id, email or name fragment, for the admin's contact search. */
  searchContacts(portalId: PortalId, query: string, limit: number): Promise<StoredContact[]>;
  findContactIdsByEmail(portalId: PortalId, emails: readonly string[]): Promise<Map<string, string>>;
  /**
   * Removes everything stored about these contacts, in one transaction: the record, its ticket
   * links, its assignment and assignment history, pilot results and the audit entries about it.
   * Used for deletion and GDPR privacy deletion.
   */
  purgeContacts(portalId: PortalId, ids: readonly string[]): Promise<void>;
  deleteTickets(portalId: PortalId, ids: readonly string[]): Promise<void>;
  counts(portalId: PortalId): Promise<CrmCounts>;
}

/** What the engine evaluates for a stored contact: its properties, tickets, primary company and survey responses. */
export function evaluationSubject(record: ContactWithStoredTickets): ContactWithTickets {
  return { properties: record.contact.properties, tickets: record.tickets, company: record.company, surveys: record.surveys };
}

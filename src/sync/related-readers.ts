import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import type { CrmStore, StoredCompany, StoredContact, StoredSurvey, StoredTicket } from '../crm/crm-store';
import type { ContactRecord, CrmRecord, PortalHubSpot } from '../crm/hubspot-port';

/**
 * Records of another kind that a contact's persona can depend on. Their ids ride on the listed
 * contact page (as associations); the records are batch-read 100 at a time across pages and stored
 * before the page is scored, so each page is scored on everything its rules can read.
 */
export interface RelatedRecordReader {
  readonly kind: string;
  /** Stores, through `crm` (the page's transaction), the links from the page's contacts to records of this kind; returns the ids they name. */
  linkPage(portalId: PortalId, contacts: readonly ContactRecord[], crm: CrmStore): Promise<readonly string[]>;
  /** Of these ids, those stored at or after `since`: already read by this sync (an earlier page, or the run a crash cut short). */
  storedSince(portalId: PortalId, ids: readonly string[], since: number): Promise<Set<string>>;
  /** Reads at most 100 records by id from HubSpot and stores them; returns how many HubSpot had. */
  readAndStore(portalId: PortalId, ids: readonly string[]): Promise<number>;
}

/** What each related-record reader reads with and stores into. */
export interface RelatedReaderDeps {
  crm: CrmStore;
  hubspot: PortalHubSpot;
  properties: readonly string[];
  clock: Clock;
}

export function toStoredContact(r: CrmRecord): StoredContact {
  return { id: r.id, email: r.properties.email ?? null, properties: r.properties, hsUpdatedAt: r.updatedAt, archived: false };
}

export function toStoredTicket(r: CrmRecord): StoredTicket {
  const created = Date.parse(r.properties.createdate ?? '');
  return { id: r.id, properties: r.properties, createdAt: Number.isFinite(created) ? created : null, hsUpdatedAt: r.updatedAt };
}

/** Tickets: their ids come with the contact page; tickets no contact names cannot change a persona and are never read. */
export function ticketReader(deps: RelatedReaderDeps): RelatedRecordReader {
  return {
    kind: 'tickets',
    async linkPage(portalId, contacts, crm) {
      const links = contacts.flatMap((c) => (c.ticketIds ?? []).map((ticketId) => ({ contactId: c.id, ticketId })));
      await crm.replaceContactTickets(
        portalId,
        contacts.map((c) => c.id),
        links,
      );
      return links.map((l) => l.ticketId);
    },
    storedSince: (portalId, ids, since) => deps.crm.ticketIdsSyncedSince(portalId, ids, since),
    async readAndStore(portalId, ids) {
      const tickets = await deps.hubspot.readTickets(ids, deps.properties);
      await deps.crm.upsertTickets(portalId, tickets.map(toStoredTicket), deps.clock.now());
      return tickets.length;
    },
  };
}

export function toStoredCompany(r: CrmRecord): StoredCompany {
  return { id: r.id, properties: r.properties, hsUpdatedAt: r.updatedAt };
}

export function toStoredSurvey(r: CrmRecord): StoredSurvey {
  const created = Date.parse(r.properties.hs_createdate ?? '');
  return { id: r.id, properties: r.properties, createdAt: Number.isFinite(created) ? created : null, hsUpdatedAt: r.updatedAt };
}

/**
 * Companies: every company a listed contact is associated with (any label; the Primary one is what
 * `company` conditions read, the others count for an account's buying committee).
 */
export function companyReader(deps: RelatedReaderDeps): RelatedRecordReader {
  return {
    kind: 'companies',
    async linkPage(portalId, contacts, crm) {
      const links = contacts.flatMap((c) =>
        (c.companyLinks ?? []).map((l) => ({ contactId: c.id, companyId: l.companyId, primary: l.primary })),
      );
      await crm.replaceContactCompanies(
        portalId,
        contacts.map((c) => c.id),
        links,
      );
      return links.map((l) => l.companyId);
    },
    storedSince: (portalId, ids, since) => deps.crm.companyIdsSyncedSince(portalId, ids, since),
    async readAndStore(portalId, ids) {
      const companies = await deps.hubspot.readCompanies(ids, deps.properties);
      await deps.crm.upsertCompanies(portalId, companies.map(toStoredCompany), deps.clock.now());
      return companies.length;
    },
  };
}

/** Survey responses (feedback submissions) of the listed contacts; only when the portal granted their scope. */
export function surveyReader(deps: RelatedReaderDeps): RelatedRecordReader {
  return {
    kind: 'feedback_submissions',
    async linkPage(portalId, contacts, crm) {
      const links = contacts.flatMap((c) => (c.surveyIds ?? []).map((surveyId) => ({ contactId: c.id, surveyId })));
      await crm.replaceContactSurveys(
        portalId,
        contacts.map((c) => c.id),
        links,
      );
      return links.map((l) => l.surveyId);
    },
    storedSince: (portalId, ids, since) => deps.crm.surveyIdsSyncedSince(portalId, ids, since),
    async readAndStore(portalId, ids) {
      const surveys = await deps.hubspot.readSurveys(ids, deps.properties);
      await deps.crm.upsertSurveys(portalId, surveys.map(toStoredSurvey), deps.clock.now());
      return surveys.length;
    },
  };
}

import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import type { ContactTicketLink, CrmStore } from '../crm/crm-store';
import type { CrmRecord, PortalHubSpot } from '../crm/hubspot-port';
import { toStoredCompany, toStoredContact, toStoredSurvey, toStoredTicket } from './related-readers';
import type { SyncProperties } from './sync-properties';

/**
 * Stores contacts read outside a listing (incremental search, webhook refresh) together with what
 * their personas depend on: their ticket, company and survey-response links, batch-reading the linked
 * records the store does not hold yet.
 */
export class LinkedRecords {
  constructor(private readonly deps: { readonly crm: CrmStore; readonly clock: Clock }) {}

  /** Stores the contacts with their tickets (missing ones read), and their company and response links. */
  async storeContacts(portalId: PortalId, hubspot: PortalHubSpot, contacts: readonly CrmRecord[], props: SyncProperties): Promise<void> {
    const ids = contacts.map((c) => c.id);
    const links = await hubspot.ticketIdsOfContacts(ids);
    await this.storeMissingTickets(portalId, hubspot, links, props.ticketProperties);
    await this.deps.crm.upsertContacts(portalId, contacts.map(toStoredContact), this.deps.clock.now());
    await this.deps.crm.replaceContactTickets(
      portalId,
      ids,
      [...links].flatMap(([contactId, tickets]) => tickets.map((ticketId) => ({ contactId, ticketId }))),
    );
    // A changed primary company changes associatedcompanyid, so the contact shows up here; so does any contact whose links changed.
    await this.storeAccountLinks(portalId, hubspot, ids, props);
  }

  /**
   * Brings these contacts' company and survey-response links in line with HubSpot (v4 batch reads,
   * at most 1,000 contacts), batch-reading the companies and responses the store does not hold yet.
   */
  async storeAccountLinks(portalId: PortalId, hubspot: PortalHubSpot, contactIds: readonly string[], props: SyncProperties): Promise<void> {
    const now = this.deps.clock.now();
    for (let i = 0; i < contactIds.length; i += 1000) {
      const part = contactIds.slice(i, i + 1000);
      if (props.access.companies) {
        const links = await hubspot.companyLinksOfContacts(part);
        const all = [...links].flatMap(([contactId, list]) => list.map((l) => ({ contactId, companyId: l.companyId, primary: l.primary })));
        const named = [...new Set(all.map((l) => l.companyId))];
        const held = await this.deps.crm.companyIdsSyncedSince(portalId, named, 0);
        const missing = named.filter((id) => !held.has(id));
        for (let j = 0; j < missing.length; j += 100) {
          const found = await hubspot.readCompanies(missing.slice(j, j + 100), props.companyProperties);
          await this.deps.crm.upsertCompanies(portalId, found.map(toStoredCompany), now);
        }
        await this.deps.crm.replaceContactCompanies(portalId, part, all);
      }
      if (props.access.surveys) {
        const links = await hubspot.surveyIdsOfContacts(part);
        const all = [...links].flatMap(([contactId, list]) => list.map((surveyId) => ({ contactId, surveyId })));
        const named = [...new Set(all.map((l) => l.surveyId))];
        const held = await this.deps.crm.surveyIdsSyncedSince(portalId, named, 0);
        const missing = named.filter((id) => !held.has(id));
        for (let j = 0; j < missing.length; j += 100) {
          const found = await hubspot.readSurveys(missing.slice(j, j + 100), props.surveyProperties);
          await this.deps.crm.upsertSurveys(portalId, found.map(toStoredSurvey), now);
        }
        await this.deps.crm.replaceContactSurveys(portalId, part, all);
      }
    }
  }

  /** Brings these tickets' contact links in line with HubSpot; returns every contact linked before or now. */
  async relinkTickets(portalId: PortalId, hubspot: PortalHubSpot, ticketIds: readonly string[]): Promise<string[]> {
    const affected = new Set<string>();
    const hub = await hubspot.contactIdsOfTickets(ticketIds);
    const add: ContactTicketLink[] = [];
    const remove: ContactTicketLink[] = [];
    for (const ticketId of ticketIds) {
      const now = new Set(hub.get(ticketId) ?? []);
      const before = new Set(await this.deps.crm.contactIdsOfTicket(portalId, ticketId));
      for (const contactId of now) if (!before.has(contactId)) add.push({ contactId, ticketId });
      for (const contactId of before) if (!now.has(contactId)) remove.push({ contactId, ticketId });
      for (const c of [...now, ...before]) affected.add(c);
    }
    // Only contacts we hold can be linked; the others arrive with their own sync.
    const known = await this.deps.crm.getContactsWithTickets(portalId, [...new Set(add.map((l) => l.contactId))]);
    const linkable = add.filter((l) => known.has(l.contactId));
    if (linkable.length > 0) await this.deps.crm.link(portalId, linkable);
    if (remove.length > 0) await this.deps.crm.unlink(portalId, remove);
    return [...affected];
  }

  /** Batch-reads the linked tickets the store does not hold yet for these contacts (one store query, no per-ticket lookups). */
  private async storeMissingTickets(
    portalId: PortalId,
    hubspot: PortalHubSpot,
    links: Map<string, string[]>,
    properties: readonly string[],
  ): Promise<void> {
    const stored = await this.deps.crm.getContactsWithTickets(portalId, [...links.keys()]);
    const known = new Set([...stored.values()].flatMap((c) => c.tickets.map((t) => t.id)));
    const missing = [...new Set([...links.values()].flat())].filter((id) => !known.has(id));
    for (let i = 0; i < missing.length; i += 100) {
      const found = await hubspot.readTickets(missing.slice(i, i + 100), properties);
      if (found.length > 0) await this.deps.crm.upsertTickets(portalId, found.map(toStoredTicket), this.deps.clock.now());
    }
  }
}

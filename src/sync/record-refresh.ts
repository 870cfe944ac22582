import type { SyncDeps } from './sync-deps';
import type { PortalId } from '../crm/model';
import type { WriteBackResult } from '../personas/assignment-service';
import { toStoredCompany, toStoredTicket } from './related-readers';
import { LinkedRecords } from './linked-records';
import { syncProperties } from './sync-properties';

export type RecordRefreshDeps = Pick<SyncDeps, 'crm' | 'portals' | 'ruleSets' | 'assignments' | 'gateways' | 'clock'>;

/**
 * Refetches named records with batch reads (a webhook said they changed, or the card asked), stores
 * them, and rescores and writes back the contacts they touch. Records HubSpot no longer has are removed.
 */
export class RecordRefresh {
  private readonly linked: LinkedRecords;

  constructor(private readonly deps: RecordRefreshDeps) {
    this.linked = new LinkedRecords(deps);
  }

  /** Contacts with their ticket associations and those tickets too; contacts HubSpot no longer has are purged. */
  async contacts(
    portalId: PortalId,
    contactIds: readonly string[],
  ): Promise<{ refreshed: number; purged: number; writeBack: WriteBackResult }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await syncProperties(this.deps, portalId);
    const ids = [...new Set(contactIds)];
    let refreshed = 0;
    let purged = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const found = await hubspot.readContacts(part, props.contactProperties);
      const foundIds = new Set(found.map((c) => c.id));
      const gone = part.filter((id) => !foundIds.has(id));
      if (gone.length > 0) await this.deps.crm.purgeContacts(portalId, gone);
      purged += gone.length;
      if (found.length === 0) continue;
      await this.linked.storeContacts(portalId, hubspot, found, props);
      refreshed += found.length;
    }
    const { writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, {
      reason: 'refresh',
      contactIds: ids.filter((id) => id),
    });
    return { refreshed, purged, writeBack };
  }

  /** Tickets and their contact associations; rescores the contacts they touch. */
  async tickets(
    portalId: PortalId,
    ticketIds: readonly string[],
  ): Promise<{ refreshed: number; deleted: number; contacts: number; writeBack: WriteBackResult }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const { ticketProperties } = await syncProperties(this.deps, portalId);
    const ids = [...new Set(ticketIds)];
    const affected = new Set<string>();
    let refreshed = 0;
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const found = await hubspot.readTickets(part, ticketProperties);
      const foundIds = new Set(found.map((t) => t.id));
      for (const id of part) for (const c of await this.deps.crm.contactIdsOfTicket(portalId, id)) affected.add(c);
      const gone = part.filter((id) => !foundIds.has(id));
      if (gone.length > 0) await this.deps.crm.deleteTickets(portalId, gone);
      deleted += gone.length;
      if (found.length === 0) continue;
      await this.deps.crm.upsertTickets(portalId, found.map(toStoredTicket), this.deps.clock.now());
      for (const c of await this.linked.relinkTickets(portalId, hubspot, [...foundIds])) affected.add(c);
      refreshed += found.length;
    }
    const { writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, { reason: 'refresh', contactIds: [...affected] });
    return { refreshed, deleted, contacts: affected.size, writeBack };
  }

  /**
   * Companies (a company property changed, or one was deleted); rescores the contacts whose primary
   * company they are. Companies HubSpot no longer has are dropped with their links.
   */
  async companies(
    portalId: PortalId,
    companyIds: readonly string[],
  ): Promise<{ refreshed: number; deleted: number; contacts: number; writeBack: WriteBackResult }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await syncProperties(this.deps, portalId);
    const ids = [...new Set(companyIds)];
    if (!props.access.companies || ids.length === 0) {
      return { refreshed: 0, deleted: 0, contacts: 0, writeBack: { written: 0, failed: 0, purged: 0, requests: 0, errors: [] } };
    }
    const affected = await this.deps.crm.contactIdsOfCompanies(portalId, ids, { primaryOnly: true });
    let refreshed = 0;
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const found = await hubspot.readCompanies(part, props.companyProperties);
      const foundIds = new Set(found.map((c) => c.id));
      const gone = part.filter((id) => !foundIds.has(id));
      if (gone.length > 0) await this.deps.crm.deleteCompanies(portalId, gone);
      deleted += gone.length;
      await this.deps.crm.upsertCompanies(portalId, found.map(toStoredCompany), this.deps.clock.now());
      refreshed += found.length;
    }
    // The contacts of these companies only, not every pending row of the portal.
    const { writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, { reason: 'refresh', contactIds: affected });
    return { refreshed, deleted, contacts: affected.length, writeBack };
  }
}

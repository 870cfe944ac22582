import type { SyncDeps } from './sync-deps';
import type { PortalId } from '../crm/model';
import { AppError } from '../platform/errors';
import type { CrmRecord, ObjectKind, PortalHubSpot } from '../crm/hubspot-port';
import { toStoredCompany, toStoredSurvey, toStoredTicket } from './related-readers';
import { LinkedRecords } from './linked-records';
import { modifiedAt, propertiesOf, syncProperties, type SyncProperties } from './sync-properties';
import { reportingTo, stopIfAborted, type RunContext, type RunOutcome } from './sync-runs';
import { syncCursor } from './sync-store';

const SEARCH_RESULT_CAP = 10_000;
const SEARCH_PAGE = 200;
/** Kinds the incremental sync searches by modification time; companies and responses only where the grant allows. */
export const INCREMENTAL_KINDS: readonly ObjectKind[] = ['contacts', 'tickets', 'companies', 'feedback_submissions'];

export type IncrementalSyncDeps = Omit<SyncDeps, 'hooks'>;

/**
 * Catches up with what changed since the last run: searches each kind by last-modified date from its
 * watermark, stores what it finds with its links, then rescores and writes back the contacts touched.
 */
export class IncrementalSync {
  private readonly linked: LinkedRecords;

  constructor(private readonly deps: IncrementalSyncDeps) {
    this.linked = new LinkedRecords(deps);
  }

  /**
   * `touchedCompanies`, when given, receives every company whose buying committee the run may have
   * changed: the companies of the contacts it rescored, and those a contact was on before its links
   * were read again.
   */
  async run(portalId: PortalId, ctx: RunContext, touchedCompanies?: Set<string>): Promise<RunOutcome> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await syncProperties(this.deps, portalId);
    const changedContacts = new Set<string>();
    const counts: Record<ObjectKind, number> = { contacts: 0, tickets: 0, companies: 0, feedback_submissions: 0 };
    const contactsWatermark = await this.deps.sync.getCursor(portalId, syncCursor.watermark('contacts'));
    if (contactsWatermark === null) throw new AppError('conflict', `Portal ${portalId} has no completed full sync yet`);
    const kinds = INCREMENTAL_KINDS.filter((kind) =>
      kind === 'companies' ? props.access.companies : kind === 'feedback_submissions' ? props.access.surveys : true,
    );
    for (const kind of kinds) {
      const key = syncCursor.watermark(kind);
      // A portal synced before companies and responses were read starts them where contacts stand.
      const watermark = (await this.deps.sync.getCursor(portalId, key)) ?? contactsWatermark;
      let since = Number(watermark) - (this.deps.searchOverlapMs ?? 60_000);
      let after: number | null = null;
      let highest = Number(watermark);
      while (!ctx.aborted) {
        const page = await hubspot.searchModifiedSince(kind, { since, after, properties: propertiesOf(props, kind) });
        if (page.results.length > 0) {
          if (touchedCompanies && kind === 'contacts') {
            const ids = page.results.map((r) => r.id);
            for (const id of await this.deps.crm.companyIdsOfContacts(portalId, ids)) touchedCompanies.add(id);
          }
          for (const c of await this.storeChanged(portalId, hubspot, kind, page.results, props)) changedContacts.add(c);
          counts[kind] += page.results.length;
          const last = modifiedAt(kind, page.results[page.results.length - 1]);
          highest = Math.max(highest, last);
          // Sorted ascending: everything before the last record's time is stored, so resume there (GTE re-reads ties).
          await this.deps.sync.setCursor(portalId, key, String(highest), this.deps.clock.now());
          ctx.progress(kind, counts[kind], page.total);
        }
        if (page.nextAfter === null) break;
        if (page.nextAfter + SEARCH_PAGE > SEARCH_RESULT_CAP) {
          // Search stops at 10,000 results: start a new window at the last time seen.
          const next = modifiedAt(kind, page.results[page.results.length - 1]);
          if (next <= since) {
            this.deps.logger.warn({ portalId, kind, since }, 'more than 10,000 records share one modification time; skipping ahead 1 ms');
            since += 1;
          } else {
            since = next;
          }
          after = null;
        } else {
          after = page.nextAfter;
        }
      }
    }
    stopIfAborted(ctx);
    const { rescore, writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, {
      reason: 'sync',
      contactIds: [...changedContacts],
      ...reportingTo(ctx),
    });
    if (touchedCompanies) {
      for (const id of await this.deps.crm.companyIdsOfContacts(portalId, [...changedContacts])) touchedCompanies.add(id);
    }
    return { contacts: counts.contacts, tickets: counts.tickets, purgedContacts: 0, purgedTickets: 0, rescore, writeBack };
  }

  /** Stores a page of changed records of one kind; returns the contacts whose personas they can change. */
  private async storeChanged(
    portalId: PortalId,
    hubspot: PortalHubSpot,
    kind: ObjectKind,
    records: readonly CrmRecord[],
    props: SyncProperties,
  ): Promise<readonly string[]> {
    const now = this.deps.clock.now();
    const ids = records.map((r) => r.id);
    switch (kind) {
      case 'contacts':
        await this.linked.storeContacts(portalId, hubspot, records, props);
        return ids;
      case 'tickets':
        await this.deps.crm.upsertTickets(portalId, records.map(toStoredTicket), now);
        return this.linked.relinkTickets(portalId, hubspot, ids);
      case 'companies':
        await this.deps.crm.upsertCompanies(portalId, records.map(toStoredCompany), now);
        return this.deps.crm.contactIdsOfCompanies(portalId, ids, { primaryOnly: true });
      case 'feedback_submissions':
        return this.storeChangedSurveys(portalId, hubspot, records, props);
    }
  }

  /** Stores new or changed survey responses and relinks the stored contacts they belong to; returns those contacts. */
  private async storeChangedSurveys(
    portalId: PortalId,
    hubspot: PortalHubSpot,
    records: readonly CrmRecord[],
    props: SyncProperties,
  ): Promise<string[]> {
    await this.deps.crm.upsertSurveys(portalId, records.map(toStoredSurvey), this.deps.clock.now());
    const owners = await hubspot.contactIdsOfSurveys(records.map((r) => r.id));
    const named = [...new Set([...owners.values()].flat())];
    const held = [...(await this.deps.crm.getContactsWithTickets(portalId, named)).keys()];
    if (held.length > 0) {
      await this.linked.storeAccountLinks(portalId, hubspot, held, { ...props, access: { companies: false, surveys: true } });
    }
    return held;
  }
}

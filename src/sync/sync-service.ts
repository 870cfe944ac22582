import type { SyncDeps } from './sync-deps';
import type { PortalId } from '../crm/model';
import type { WriteBackResult } from '../personas/assignment-service';
import { FullSync } from './full-sync';
import { IncrementalSync } from './incremental-sync';
import { RecordRefresh } from './record-refresh';
import {
  reportingTo,
  SyncRuns,
  type CurrentRun,
  type RunOutcome,
  type StreamProgress,
  type SyncOptions,
  type SyncSummary,
} from './sync-runs';
import { syncCursor } from './sync-store';

export interface SyncServiceDeps extends SyncDeps {
  /**
   * Runs at the end of a full sync, reconcile or rescore (after a publish or rollback) that
   * completed, inside the run: the buying committee recomputes every company and writes changes.
   */
  readonly afterRun?: (portalId: PortalId, outcome: RunOutcome) => Promise<void>;
  /** After an incremental sync: the companies whose buying committee it may have changed (only those are recomputed). */
  readonly afterCompanies?: (portalId: PortalId, companyIds: readonly string[]) => Promise<void>;
}

/**
 * Keeps the store in step with HubSpot: a full sync streamed page by page with a persisted cursor
 * (a crash resumes where it stopped), incremental syncs through search by last-modified date, and a
 * reconcile that re-lists everything to catch deletions and anything missed. Each run ends by
 * scoring and writing back the contacts whose persona values changed. One run per portal at a time.
 */
export class SyncService {
  private readonly runs: SyncRuns;
  private readonly listing: FullSync;
  private readonly incremental: IncrementalSync;
  private readonly refresh: RecordRefresh;

  constructor(private readonly deps: SyncServiceDeps) {
    this.runs = new SyncRuns(deps);
    this.listing = new FullSync(deps);
    this.incremental = new IncrementalSync(deps);
    this.refresh = new RecordRefresh(deps);
  }

  currentRun(portalId: PortalId): CurrentRun | null {
    return this.runs.current(portalId);
  }

  /**
   * How the portal's full sync stands, for the install page, the dashboard and the status API.
   * `figures` are null for a run that did not stream.
   */
  streamProgress(portalId: PortalId): Promise<StreamProgress> {
    return this.runs.streamProgress(portalId);
  }

  /** Stops every run at its next page boundary (cursors stay, so the next run resumes) and waits for them. */
  stop(): Promise<void> {
    return this.runs.stop();
  }

  isRunning(portalId: PortalId): boolean {
    return this.runs.isRunning(portalId);
  }

  /** Full sync; a second caller while one runs joins it. */
  fullSync(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.runs.exclusive(portalId, 'full', options, async (ctx) => this.after(portalId, await this.listing.full(portalId, ctx)));
  }

  incrementalSync(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.runs.exclusive(portalId, 'incremental', options, async (ctx) => {
      const touched = this.deps.afterCompanies ? new Set<string>() : undefined;
      const summary = await this.incremental.run(portalId, ctx, touched);
      if (touched && touched.size > 0) await this.deps.afterCompanies?.(portalId, [...touched]);
      return summary;
    });
  }

  reconcile(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.runs.exclusive(portalId, 'reconcile', options, async (ctx) =>
      this.after(portalId, await this.listing.reconcile(portalId, ctx)),
    );
  }

  /** Rescores every stored contact with the live rule set and writes back what changed (no HubSpot reads). */
  rescore(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.runs.exclusive(portalId, 'rescore', options, async (ctx) => {
      const { rescore, writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, { reason: 'rescore', ...reportingTo(ctx) });
      return this.after(portalId, { contacts: 0, tickets: 0, purgedContacts: 0, purgedTickets: 0, rescore, writeBack });
    });
  }

  private async after(portalId: PortalId, summary: RunOutcome): Promise<RunOutcome> {
    await this.deps.afterRun?.(portalId, summary);
    return summary;
  }

  /** True until a full sync has completed: the portal's next sync must be (the rest of) a full one. */
  async needsFullSync(portalId: PortalId): Promise<boolean> {
    return (await this.deps.sync.getCursor(portalId, syncCursor.watermark('contacts'))) === null;
  }

  /** The scheduled sync: incremental once a full sync has completed, else the (resumed) full sync. */
  async scheduledSync(portalId: PortalId): Promise<SyncSummary | null> {
    if (this.isRunning(portalId)) return null;
    return (await this.needsFullSync(portalId)) ? this.fullSync(portalId) : this.incrementalSync(portalId);
  }

  /** For the webhook worker and the card: see RecordRefresh. */
  refreshContacts(
    portalId: PortalId,
    contactIds: readonly string[],
  ): Promise<{ refreshed: number; purged: number; writeBack: WriteBackResult }> {
    return this.refresh.contacts(portalId, contactIds);
  }

  refreshTickets(
    portalId: PortalId,
    ticketIds: readonly string[],
  ): Promise<{ refreshed: number; deleted: number; contacts: number; writeBack: WriteBackResult }> {
    return this.refresh.tickets(portalId, ticketIds);
  }

  refreshCompanies(
    portalId: PortalId,
    companyIds: readonly string[],
  ): Promise<{ refreshed: number; deleted: number; contacts: number; writeBack: WriteBackResult }> {
    return this.refresh.companies(portalId, companyIds);
  }
}

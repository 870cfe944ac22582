import type { PortalId } from '../crm/model';
import type { JobRunner } from '../jobs/job-runner';
import type { Logger } from '../platform/logger';
import type { SyncService } from './sync-service';
import { SyncPausedError } from './sync-runs';
import type { SyncStore } from './sync-store';

export const SYNC_JOBS = { full: 'sync-full', incremental: 'sync-incremental', reconcile: 'reconcile', rescore: 'rescore' } as const;

export interface SyncJobsDeps {
  readonly runner: JobRunner;
  readonly sync: SyncService;
  readonly syncStore: Pick<SyncStore, 'interruptRunning'>;
  readonly installedPortals: () => Promise<PortalId[]>;
  readonly logger: Logger;
  /** A full sync runs this long, then yields its place to other portals and continues in a new job. */
  readonly sliceMs: number;
  readonly crons: { readonly sync: string; readonly reconcile: string };
}

/**
 * The sync capability's background work. The full sync is long (a large portal takes hours under
 * HubSpot's rate limit), so it runs in slices on the long lane; an incremental sync is short and
 * runs on the short lane, so a large portal's first sync never delays another's 15-minute sync.
 */
export function defineSyncJobs(deps: SyncJobsDeps): void {
  const { runner } = deps;
  // A job runs only while it holds its portal, so a run of the portal still marked running belongs to a dead process.
  const sync = {
    needsFullSync: (id: PortalId) => deps.sync.needsFullSync(id),
    fullSync: async (id: PortalId, o: { signal: AbortSignal }) => {
      await deps.syncStore.interruptRunning(Date.now(), id);
      return deps.sync.fullSync(id, o);
    },
    incrementalSync: async (id: PortalId) => {
      await deps.syncStore.interruptRunning(Date.now(), id);
      return deps.sync.incrementalSync(id);
    },
    reconcile: async (id: PortalId) => {
      await deps.syncStore.interruptRunning(Date.now(), id);
      return deps.sync.reconcile(id);
    },
    rescore: async (id: PortalId, o: { signal: AbortSignal }) => {
      await deps.syncStore.interruptRunning(Date.now(), id);
      return deps.sync.rescore(id, o);
    },
  };
  runner.definePortalJob({
    name: SYNC_JOBS.full,
    lane: 'long',
    run: async (portalId, _data, ctx) => {
      // A slice that paused after the last page may have completed the sync: the pending writes then go with the next incremental.
      if (!(await sync.needsFullSync(portalId))) return;
      const slice = AbortSignal.any([ctx.signal, AbortSignal.timeout(deps.sliceMs)]);
      try {
        await sync.fullSync(portalId, { signal: slice });
      } catch (err) {
        if (err instanceof SyncPausedError) return { again: { afterMs: 0 } };
        throw err;
      }
    },
  });
  runner.definePortalJob({
    name: SYNC_JOBS.incremental,
    lane: 'short',
    run: async (portalId) => {
      if (await sync.needsFullSync(portalId)) {
        await runner.enqueue(SYNC_JOBS.full, portalId);
        return;
      }
      await sync.incrementalSync(portalId);
    },
  });
  runner.definePortalJob({
    name: SYNC_JOBS.reconcile,
    lane: 'long',
    run: async (portalId) => {
      await sync.reconcile(portalId);
    },
  });
  runner.definePortalJob({
    name: SYNC_JOBS.rescore,
    lane: 'long',
    run: async (portalId, _data, ctx) => {
      try {
        await sync.rescore(portalId, { signal: ctx.signal });
      } catch (err) {
        if (err instanceof SyncPausedError) return { again: { afterMs: 0 } };
        throw err;
      }
    },
  });

  const fanOut = async (job: (portalId: PortalId) => Promise<string>) => {
    for (const portalId of await deps.installedPortals()) await runner.enqueue(await job(portalId), portalId);
  };
  runner.schedule({
    name: 'sync',
    cron: deps.crons.sync,
    run: () => fanOut(async (id) => ((await sync.needsFullSync(id)) ? SYNC_JOBS.full : SYNC_JOBS.incremental)),
  });
  runner.schedule({ name: 'reconcile', cron: deps.crons.reconcile, run: () => fanOut(async () => SYNC_JOBS.reconcile) });
}

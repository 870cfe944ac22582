import type { PortalId } from '../crm/model';
import type { JobRunner } from '../jobs/job-runner';
import type { DiscoveryRuns } from './discovery-runs';
import type { InsightsService } from './insights-service';

const DAY_MS = 86_400_000;
/** Two quarters of nightly snapshots: enough for a quarterly review against the quarter before. */
export const SNAPSHOT_RETENTION_MS = 200 * DAY_MS;

/** The insights capability's portal jobs. */
export const INSIGHTS_JOBS = { discovery: 'discovery' } as const;

export interface InsightsJobsDeps {
  readonly runner: JobRunner;
  /** Runs discovery started from the admin page (`{ runId }`), recording its progress on the run. */
  readonly discoveryRuns?: Pick<DiscoveryRuns, 'execute'>;
  readonly insights: Pick<InsightsService, 'review'>;
  readonly installedPortals: () => Promise<PortalId[]>;
  /** Rescores the portal under the live rule set and writes back what changed. */
  readonly rescore: (portalId: PortalId) => Promise<unknown>;
  /** Keeps tonight's assignments for drift reviews and drops snapshots older than the cutoff. */
  readonly snapshot: (portalId: PortalId, purgeBefore: number) => Promise<unknown>;
  readonly now: () => number;
  readonly crons: { readonly nightly: string; readonly quarterly: string };
}

/** Rules with time windows change with the clock: rescore nightly, keep a snapshot for drift, review it. */
export function defineInsightsJobs(deps: InsightsJobsDeps): void {
  const { runner } = deps;
  runner.definePortalJob({
    name: 'nightly',
    lane: 'long',
    run: async (portalId) => {
      await deps.rescore(portalId);
      await deps.snapshot(portalId, deps.now() - SNAPSHOT_RETENTION_MS);
      await deps.insights.review(portalId, 'nightly');
    },
  });
  const { discoveryRuns } = deps;
  if (discoveryRuns) {
    runner.definePortalJob({
      name: INSIGHTS_JOBS.discovery,
      lane: 'long',
      run: (portalId, data) => discoveryRuns.execute(portalId, String(data.runId)),
    });
  }
  runner.definePortalJob({
    name: 'quarterly-review',
    lane: 'long',
    run: async (portalId) => {
      await deps.insights.review(portalId, 'quarterly');
    },
  });
  const fanOut = async (job: string) => {
    for (const portalId of await deps.installedPortals()) await runner.enqueue(job, portalId);
  };
  runner.schedule({ name: 'nightly-rescore', cron: deps.crons.nightly, run: () => fanOut('nightly') });
  runner.schedule({ name: 'quarterly-review', cron: deps.crons.quarterly, run: () => fanOut('quarterly-review') });
}

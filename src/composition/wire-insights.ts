import { DiscoveryRuns } from '../insights/discovery-runs';
import { defineInsightsJobs, INSIGHTS_JOBS } from '../insights/insights-jobs';
import { InsightsService } from '../insights/insights-service';
import type { RuleSetService } from '../personas/rule-set-service';
import type { SyncService } from '../sync/sync-service';
import type { Wiring } from './wiring';

/** Insights: discovery, pilot validation, drift reviews over stored snapshots, and their nightly and quarterly jobs. */
export function wireInsights(
  { config, stores, jobs, clock }: Wiring,
  parts: { ruleSets: RuleSetService; sync: SyncService; installedPortals: () => Promise<number[]> },
): { insights: InsightsService; discoveryRuns: DiscoveryRuns } {
  const { ruleSets, sync, installedPortals } = parts;
  const insights = new InsightsService({
    contacts: stores.analysisContacts,
    assignments: stores.snapshots,
    reports: stores.reports,
    pilots: stores.pilots,
    ruleSets: { live: async (portalId) => (await ruleSets.live(portalId)).ruleSet },
    clock,
  });
  const discoveryRuns = new DiscoveryRuns({
    runs: stores.discoveryRuns,
    enqueue: (portalId, runId) => jobs.enqueue(INSIGHTS_JOBS.discovery, portalId, { runId }),
    discover: (portalId, progress) => insights.discover(portalId, progress),
    now: () => clock.now(),
  });
  defineInsightsJobs({
    runner: jobs,
    insights,
    discoveryRuns,
    installedPortals,
    now: () => clock.now(),
    rescore: (id) => sync.rescore(id),
    snapshot: async (id, purgeBefore) => {
      await stores.snapshots.take(id, (await ruleSets.live(id)).ruleSet.unassigned.id, clock.now());
      await stores.snapshots.purgeBefore(id, purgeBefore);
    },
    crons: { nightly: config.jobs.rescoreCron, quarterly: config.jobs.reviewCron },
  });
  return { insights, discoveryRuns };
}

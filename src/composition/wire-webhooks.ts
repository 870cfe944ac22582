import type { CommitteeService } from '../committee/committee-service';
import type { RuleSetService } from '../personas/rule-set-service';
import type { Dialect } from '../storage/dialect';
import type { SyncService } from '../sync/sync-service';
import { defineWebhookJobs } from '../webhook-receiver/webhook-jobs';
import { createWebhookReceiver } from '../webhook-receiver/webhook-receiver';
import type { Wiring } from './wiring';

/** Webhooks: signed intake into the inbox, drained by this process's worker loop (SQLite) or by per-portal jobs (pg-boss). */
export function wireWebhooks(
  { config, logger, clock, stores, jobs }: Wiring,
  parts: { ruleSets: RuleSetService; sync: SyncService; committee: CommitteeService; dialect: Dialect },
): ReturnType<typeof createWebhookReceiver> {
  const { ruleSets, sync, committee, dialect } = parts;
  let notifyJobs: ((portalIds: readonly number[]) => void) | undefined;
  const webhooks = createWebhookReceiver({
    inbox: stores.inbox,
    crm: stores.crm,
    assignments: stores.assignments,
    refresher: sync,
    committee,
    rules: { live: async (portalId) => (await ruleSets.live(portalId)).compiled },
    clientSecret: config.hubspot.clientSecret,
    appBaseUrl: config.appBaseUrl,
    appId: config.hubspot.appId,
    clock,
    logger,
    // One SQLite file has one worker, so at start every claim left behind belongs to a dead process.
    worker: { staleAfterMs: dialect === 'sqlite' ? 0 : 60_000 },
    onEnqueued: jobs.kind === 'pg-boss' ? (portalIds) => notifyJobs?.(portalIds) : undefined,
  });
  if (jobs.kind === 'pg-boss') {
    notifyJobs = defineWebhookJobs({
      runner: jobs,
      worker: webhooks.worker,
      inbox: stores.inbox,
      clock,
      sweepCron: '* * * * *',
      housekeepingCron: config.jobs.reconcileCron,
    }).onEnqueued;
  }

  return webhooks;
}

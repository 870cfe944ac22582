import type { PortalId } from '../crm/model';
import type { JobRunner } from '../jobs/job-runner';
import type { Clock } from '../platform/clock';
import type { InboxStore } from './inbox-store';
import type { WebhookWorker } from './webhook-worker';

export const WEBHOOK_JOB = 'webhooks';

export interface WebhookJobsDeps {
  readonly runner: JobRunner;
  readonly worker: WebhookWorker;
  readonly inbox: Pick<InboxStore, 'portalsDue'>;
  readonly clock: Clock;
  /** The sweep's schedule: queues portals whose entries no job was queued for (a web process died between the two). */
  readonly sweepCron: string;
  readonly housekeepingCron: string;
}

/**
 * The inbox drained through the job runner: one job per portal with pending events, on the short
 * lane. Portal jobs never overlap, so events about one contact are never applied by two workers at
 * once; the inbox's SKIP LOCKED claim stays as the guard against double claims.
 */
export function defineWebhookJobs(deps: WebhookJobsDeps): { onEnqueued: (portalIds: readonly PortalId[]) => void } {
  const { runner, clock } = deps;
  runner.definePortalJob({
    name: WEBHOOK_JOB,
    lane: 'short',
    run: async (portalId, _data, ctx) => {
      const { nextDueAt } = await deps.worker.drainPortal(portalId, { signal: ctx.signal });
      if (nextDueAt === null) return;
      return { again: { afterMs: Math.max(0, nextDueAt - clock.now()) } };
    },
  });
  runner.schedule({
    name: 'webhook-sweep',
    cron: deps.sweepCron,
    run: async () => {
      for (const portalId of await deps.inbox.portalsDue(clock.now())) await runner.enqueue(WEBHOOK_JOB, portalId);
    },
  });
  runner.schedule({ name: 'webhook-housekeeping', cron: deps.housekeepingCron, run: () => deps.worker.purgeDone() });
  return {
    onEnqueued: (portalIds) => {
      // The events are stored already; if queuing fails the sweep finds them.
      for (const portalId of new Set(portalIds)) void runner.enqueue(WEBHOOK_JOB, portalId).catch(() => undefined);
    },
  };
}

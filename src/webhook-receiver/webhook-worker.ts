import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import type { InboxItem, InboxStore } from './inbox-store';
import { applyWebhookWork, type ApplyWebhookWorkDeps } from './apply-webhook-work';
import { webhookEventSchema, type WebhookEvent } from './webhook-event';

export type { CompanyCoverageRefresher, ContactRefresher, LiveRuleSetSource, LiveRuleSetView } from './apply-webhook-work';

export interface WebhookWorkerOptions {
  /** Entries claimed at once: the more, the more events coalesce into one refresh. */
  readonly batchSize?: number;
  readonly pollMs?: number;
  /** A claim older than this belongs to a dead worker and is handed out again. */
  readonly staleAfterMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Contacts per refresh call (one HubSpot batch read). */
  readonly refreshChunk?: number;
  /** Done entries are kept this long so HubSpot's retries (up to 24 h) still dedupe against them. */
  readonly retentionMs?: number;
}

/** What applying a batch needs, plus the inbox it is claimed from; `refreshChunk` comes from the options. */
export interface WebhookWorkerDeps extends Omit<ApplyWebhookWorkDeps, 'refreshChunk'> {
  readonly inbox: InboxStore;
  readonly clock: Clock;
  readonly options?: WebhookWorkerOptions;
}

export interface DrainReport {
  readonly claimed: number;
  readonly completed: number;
  readonly failed: number;
}

const DEFAULTS: Required<WebhookWorkerOptions> = {
  batchSize: 500,
  pollMs: 200,
  staleAfterMs: 60_000,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
  refreshChunk: 100,
  retentionMs: 3 * 24 * 3_600_000,
};
const HOUSEKEEPING_EVERY_MS = 30_000;

/**
 * Drains the webhook inbox. An entry is completed only after its effects are applied, so an
 * acknowledged event survives a crash (it is claimed again once its claim goes stale); effects are
 * idempotent (refetch-and-rescore, purge, set override), so applying a batch twice changes nothing
 * the first time did not.
 */
export class WebhookWorker {
  private readonly options: Required<WebhookWorkerOptions>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private again = false;
  private lastHousekeeping = 0;

  constructor(private readonly deps: WebhookWorkerDeps) {
    this.options = { ...DEFAULTS, ...deps.options };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.housekeeping();
    this.nudge();
  }

  /** Starts a drain now (after an intake) instead of at the next poll. */
  nudge(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      this.schedule(this.again ? 0 : this.options.pollMs);
      this.again = false;
    });
  }

  /** Stops polling and waits for the batch in hand to be applied and completed. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    this.timer = setTimeout(() => this.nudge(), ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    try {
      if (this.deps.clock.now() - this.lastHousekeeping >= HOUSEKEEPING_EVERY_MS) await this.housekeeping();
      while (this.started) {
        const report = await this.drainOnce();
        if (report.claimed < this.options.batchSize) return;
      }
    } catch (err) {
      // The store itself failed: nothing was completed, so the next poll tries again.
      this.deps.logger.warn({ err }, 'webhook worker could not drain the inbox');
    }
  }

  private async housekeeping(): Promise<void> {
    const now = this.deps.clock.now();
    this.lastHousekeeping = now;
    const released = await this.deps.inbox.releaseStale(now - this.options.staleAfterMs);
    if (released > 0) this.deps.logger.warn({ released }, 'webhook events of an interrupted worker returned to the inbox');
    await this.deps.inbox.purgeDone(now - this.options.retentionMs);
  }

  /** Claims one batch and applies it; tests call this directly. */
  async drainOnce(): Promise<DrainReport> {
    return this.apply(await this.deps.inbox.claim(this.options.batchSize, this.deps.clock.now()));
  }

  /**
   * Applies every due entry of one portal. For the job runner, which runs it while it holds the
   * portal (no other process works on it), so any entry of the portal still claimed belongs to a
   * worker that died and is taken back at once. Returns when the portal's next entry falls due
   * (a retry after a failure), or null when its inbox is empty.
   */
  async drainPortal(
    portalId: PortalId,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ report: DrainReport; nextDueAt: number | null }> {
    const released = await this.deps.inbox.releasePortal(portalId);
    if (released > 0) this.deps.logger.warn({ portalId, released }, 'webhook events of an interrupted worker returned to the inbox');
    const total = { claimed: 0, completed: 0, failed: 0 };
    while (!options.signal?.aborted) {
      const report = await this.apply(await this.deps.inbox.claim(this.options.batchSize, this.deps.clock.now(), portalId));
      total.claimed += report.claimed;
      total.completed += report.completed;
      total.failed += report.failed;
      if (report.claimed < this.options.batchSize) break;
    }
    return { report: total, nextDueAt: await this.deps.inbox.nextDue(portalId) };
  }

  /** Drops done entries past their retention (HubSpot's retries no longer need them for dedupe). */
  async purgeDone(): Promise<number> {
    return this.deps.inbox.purgeDone(this.deps.clock.now() - this.options.retentionMs);
  }

  private async apply(items: readonly InboxItem[]): Promise<DrainReport> {
    if (items.length === 0) return { claimed: 0, completed: 0, failed: 0 };
    const byPortal = new Map<PortalId, { item: InboxItem; event: WebhookEvent }[]>();
    let failed = 0;
    for (const item of items) {
      const parsed = webhookEventSchema.safeParse(item.event);
      if (!parsed.success) {
        // Validated at intake, so this is a stored row damaged since: retrying cannot help.
        await this.deps.inbox.fail(item.id, `unreadable event: ${parsed.error.message}`, false);
        failed++;
        continue;
      }
      const list = byPortal.get(item.portalId) ?? [];
      list.push({ item, event: parsed.data });
      byPortal.set(item.portalId, list);
    }
    let completed = 0;
    for (const [portalId, entries] of byPortal) {
      try {
        await applyWebhookWork(
          { ...this.deps, refreshChunk: this.options.refreshChunk },
          portalId,
          entries.map((e) => e.event),
        );
        await this.deps.inbox.complete(
          entries.map((e) => e.item.id),
          this.deps.clock.now(),
        );
        completed += entries.length;
      } catch (err) {
        failed += entries.length;
        const attempts = Math.max(...entries.map((e) => e.item.attempts));
        const delay = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempts - 1));
        const retryAt = this.deps.clock.now() + delay;
        const message = err instanceof Error ? err.message : String(err);
        this.deps.logger.warn({ portalId, events: entries.length, attempts, retryInMs: delay, err }, 'webhook events failed; will retry');
        for (const e of entries) await this.deps.inbox.fail(e.item.id, message, true, retryAt);
      }
    }
    return { claimed: items.length, completed, failed };
  }
}

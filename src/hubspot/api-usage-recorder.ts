import type { PortalId } from '../crm/model';
import type { Logger } from '../platform/logger';
import type { ApiUsage, SyncStore } from '../sync/sync-store';

export interface PortalCallStats {
  calls: number;
  throttled: number;
  failures: number;
  /** When each 429 arrived (epoch ms), for benchmarks and diagnostics. */
  throttledAt: number[];
}

/**
 * Counts HubSpot calls per portal and minute in memory and writes them to the SyncStore in the
 * background: one row write per portal and minute instead of one per request.
 */
export class ApiUsageRecorder {
  private readonly pending = new Map<string, { portalId: PortalId; minute: number; usage: ApiUsage }>();
  private readonly totals = new Map<PortalId, PortalCallStats>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      sync: Pick<SyncStore, 'recordApiUsage'>;
      logger: Logger;
      now: () => number;
      flushEveryMs?: number;
      /** Sees every record as it happens (metrics). */
      observe?: (portalId: PortalId, delta: { calls?: number; throttled?: number; failures?: number }) => void;
    },
  ) {}

  record(portalId: PortalId, delta: { calls?: number; throttled?: number; failures?: number }): void {
    this.deps.observe?.(portalId, delta);
    const now = this.deps.now();
    const minute = Math.floor(now / 60_000);
    const key = `${portalId}:${minute}`;
    const entry = this.pending.get(key) ?? { portalId, minute, usage: { calls: 0, throttled: 0, failures: 0 } };
    entry.usage = {
      calls: entry.usage.calls + (delta.calls ?? 0),
      throttled: entry.usage.throttled + (delta.throttled ?? 0),
      failures: entry.usage.failures + (delta.failures ?? 0),
    };
    this.pending.set(key, entry);
    const total = this.statsOf(portalId);
    total.calls += delta.calls ?? 0;
    total.failures += delta.failures ?? 0;
    if (delta.throttled) {
      total.throttled += delta.throttled;
      total.throttledAt.push(now);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.deps.flushEveryMs ?? 5_000);
      this.timer.unref();
    }
  }

  /** Counters since the process started (not persisted). */
  statsOf(portalId: PortalId): PortalCallStats {
    let stats = this.totals.get(portalId);
    if (!stats) {
      stats = { calls: 0, throttled: 0, failures: 0, throttledAt: [] };
      this.totals.set(portalId, stats);
    }
    return stats;
  }

  flush(): Promise<void> {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      for (const e of entries) {
        await this.deps.sync.recordApiUsage(e.portalId, e.minute, e.usage).catch((err: unknown) => {
          this.deps.logger.warn({ err, portalId: e.portalId }, 'could not record API usage');
        });
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}

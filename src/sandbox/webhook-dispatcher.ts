import { signV1, signV3 } from '../platform/hubspot-signature';
import type { ChangeEvent } from './portal-store';

/**
 * HubSpot's webhook delivery: events are batched (≤100 per POST), signed v1 + v3, and retried
 * when the app answers non-2xx or slower than the timeout; `attemptNumber` counts attempts from 0.
 * Duplicates and reordering can be switched on, because HubSpot guarantees neither uniqueness
 * nor order (docs/hubspot-contracts.md, Delivery).
 */

export interface WebhookEvent extends ChangeEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  attemptNumber: number;
  changeFlag?: string;
}

export interface DeliveryLog {
  deliveryId: number;
  batchId: number;
  attemptNumber: number;
  url: string;
  eventIds: number[];
  events: WebhookEvent[];
  status: number | null;
  ok: boolean;
  error?: string;
  sentAt: number;
  durationMs: number;
  willRetry: boolean;
}

export interface WebhookMode {
  /** Probability (0..1) that an event is delivered a second time in a later batch. */
  duplicates?: number;
  /** Deliver each batch's events in reverse order of occurrence. */
  outOfOrder?: boolean;
  /**
   * `generic`: events as 2025.2 `crmObjects` subscriptions deliver them (`object.creation` with
   * `objectTypeId`); default `legacy` (`contact.creation`). Privacy deletions exist only in the
   * legacy form, and association changes carry no `objectTypeId` in either.
   */
  dialect?: 'legacy' | 'generic';
}

const GENERIC_TYPE_IDS: Record<string, string> = { contact: '0-1', ticket: '0-5' };

function inDialect(change: ChangeEvent, dialect: WebhookMode['dialect']): ChangeEvent {
  if (dialect !== 'generic') return change;
  const [object, kind] = change.subscriptionType.split('.');
  if (kind === 'privacyDeletion' || !GENERIC_TYPE_IDS[object]) return change;
  if (kind === 'associationChange') return { ...change, subscriptionType: 'object.associationChange' };
  return { ...change, subscriptionType: `object.${kind}`, objectTypeId: GENERIC_TYPE_IDS[object] };
}

// HubSpot retries up to 10 times over 24 hours; these defaults keep that count with a shorter spread.
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 15_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000];

const SUBSCRIPTION_IDS: Record<string, number> = {
  'contact.creation': 3001,
  'contact.deletion': 3002,
  'contact.propertyChange': 3003,
  'contact.merge': 3004,
  'contact.restore': 3005,
  'contact.privacyDeletion': 3006,
  'contact.associationChange': 3007,
  'ticket.creation': 3101,
  'ticket.deletion': 3102,
  'ticket.propertyChange': 3103,
  'ticket.restore': 3104,
  'ticket.merge': 3105,
  'ticket.associationChange': 3106,
  'object.creation': 3201,
  'object.deletion': 3202,
  'object.propertyChange': 3203,
  'object.merge': 3204,
  'object.restore': 3205,
  'object.associationChange': 3206,
};

const MAX_LOG = 2_000;
const MAX_CONCURRENT_REQUESTS = 10;

export interface WebhookDispatcherOptions {
  appId: number;
  clientSecret: string;
  targetUrl?: string;
  enabled: boolean;
  batchSize: number;
  flushMs: number;
  retryDelaysMs: number[];
  timeoutMs: number;
  clock: () => number;
  logger?: { warn(o: object, m?: string): void };
}

interface Batch {
  batchId: number;
  events: WebhookEvent[];
  attempt: number;
}

export class WebhookDispatcher {
  private pending: WebhookEvent[] = [];
  private readonly log: DeliveryLog[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly retries = new Map<number, { timer: NodeJS.Timeout; batch: Batch }>();
  private timer: NodeJS.Timeout | undefined;
  private nextEventId = 100_000_001;
  private nextBatchId = 1;
  private nextDeliveryId = 1;
  private mode: WebhookMode = {};
  private closed = false;

  constructor(private readonly options: WebhookDispatcherOptions) {}

  get active(): boolean {
    return this.options.enabled && this.options.targetUrl !== undefined && !this.closed;
  }

  setMode(mode: WebhookMode): void {
    this.mode = { ...mode };
  }

  currentMode(): WebhookMode {
    return { ...this.mode };
  }

  deliveries(): DeliveryLog[] {
    return this.log.map((d) => ({ ...d }));
  }

  enqueue(portalId: number, original: ChangeEvent): void {
    if (!this.active) return;
    const change = inDialect(original, this.mode.dialect);
    const event: WebhookEvent = {
      eventId: this.nextEventId++,
      subscriptionId: SUBSCRIPTION_IDS[change.subscriptionType] ?? 3999,
      portalId,
      appId: this.options.appId,
      occurredAt: this.options.clock(),
      attemptNumber: 0,
      ...change,
    };
    if (original.subscriptionType.endsWith('.creation')) event.changeFlag = 'NEW';
    this.pending.push(event);
    if (this.mode.duplicates && Math.random() < this.mode.duplicates) this.pending.push({ ...event });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.track(this.sendPending());
    }, this.options.flushMs);
    this.timer.unref();
  }

  private takeBatches(): Batch[] {
    const batches: Batch[] = [];
    let queue = this.pending;
    this.pending = [];
    // A duplicate must not share a batch with its original, or it would look like one event.
    while (queue.length > 0) {
      const seen = new Set<number>();
      const batch: WebhookEvent[] = [];
      const rest: WebhookEvent[] = [];
      for (const e of queue) {
        if (batch.length < this.options.batchSize && !seen.has(e.eventId)) {
          seen.add(e.eventId);
          batch.push(e);
        } else rest.push(e);
      }
      if (this.mode.outOfOrder) batch.reverse();
      batches.push({ batchId: this.nextBatchId++, events: batch, attempt: 0 });
      queue = rest;
    }
    return batches;
  }

  /** First attempts go out at most MAX_CONCURRENT_REQUESTS at a time, like HubSpot's per-account default. */
  private async sendPending(): Promise<void> {
    const batches = this.takeBatches();
    const worker = async (): Promise<void> => {
      for (let b = batches.shift(); b; b = batches.shift()) await this.track(this.attempt(b));
    };
    await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_REQUESTS, batches.length) }, worker));
  }

  private track(p: Promise<void>): Promise<void> {
    this.inflight.add(p);
    return p.finally(() => this.inflight.delete(p));
  }

  private async attempt(batch: Batch): Promise<void> {
    const url = this.options.targetUrl!;
    const events = batch.events.map((e) => ({ ...e, attemptNumber: batch.attempt }));
    const body = JSON.stringify(events);
    const timestamp = this.options.clock();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (sandbox)',
      'x-hubspot-signature': signV1(body, this.options.clientSecret),
      'x-hubspot-signature-version': 'v1',
      'x-hubspot-signature-v3': signV3({ method: 'POST', url, body }, this.options.clientSecret, timestamp),
      'x-hubspot-request-timestamp': String(timestamp),
    };
    const started = Date.now();
    let status: number | null = null;
    let error: string | undefined;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: abort.signal });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = abort.signal.aborted ? `timeout after ${this.options.timeoutMs} ms` : (e as Error).message;
    } finally {
      clearTimeout(timer);
    }
    const ok = error === undefined && status !== null && status >= 200 && status < 300;
    const canRetry = !ok && batch.attempt < this.options.retryDelaysMs.length && !this.closed;
    this.record({
      deliveryId: this.nextDeliveryId++,
      batchId: batch.batchId,
      attemptNumber: batch.attempt,
      url,
      eventIds: events.map((e) => e.eventId),
      events,
      status,
      ok,
      error,
      sentAt: timestamp,
      durationMs: Date.now() - started,
      willRetry: canRetry,
    });
    if (!ok)
      this.options.logger?.warn({ batchId: batch.batchId, attempt: batch.attempt, status, error }, 'sandbox webhook delivery failed');
    if (canRetry) {
      const next: Batch = { ...batch, attempt: batch.attempt + 1 };
      const retryTimer = setTimeout(() => {
        this.retries.delete(batch.batchId);
        void this.track(this.attempt(next));
      }, this.options.retryDelaysMs[batch.attempt]);
      retryTimer.unref();
      this.retries.set(batch.batchId, { timer: retryTimer, batch: next });
    }
  }

  private record(entry: DeliveryLog): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }

  /** Sends everything queued now and waits for the attempts in flight (retries keep their own timers). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.track(this.sendPending());
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /** Waits until nothing is queued, in flight or waiting to be retried. */
  async settled(): Promise<void> {
    for (;;) {
      await this.flush();
      if (this.retries.size === 0 && this.inflight.size === 0 && this.pending.length === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.pending = [];
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }
}

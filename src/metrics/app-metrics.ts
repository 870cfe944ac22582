import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PortalId } from '../crm/model';
import type { JobObserver } from '../jobs/job-runner';

/** Cluster-wide figures read from the database at scrape time (worker and all roles only). */
export interface ClusterState {
  inboxBacklog(): Promise<{ pending: number; processing: number; failed: number; oldestPendingAt: number | null }>;
  runningSyncs(): Promise<{ portalId: PortalId; kind: string; phase: string | null; done: number }[]>;
  /** When each portal's store last caught up with HubSpot (the incremental watermark), epoch ms. */
  syncedUpTo(): Promise<{ portalId: PortalId; at: number }[]>;
  pendingWrites(): Promise<Map<PortalId, number>>;
  now(): number;
}

/**
 * The Prometheus registry of one process. Counters (HubSpot requests, jobs) are this process's:
 * Prometheus sums them across processes. Gauges about the cluster's state come from the database
 * and are exported by processes that run background work, so a dashboard takes their max.
 */
export class AppMetrics implements JobObserver {
  readonly registry = new Registry();
  private readonly hubspotRequests: Counter<'portal'>;
  private readonly hubspotThrottled: Counter<'portal'>;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobSeconds: Histogram<'job'>;

  constructor(options: { role: string; cluster?: ClusterState }) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ role: options.role });
    collectDefaultMetrics({ register: this.registry, prefix: 'personas_' });
    this.hubspotRequests = new Counter({
      name: 'personas_hubspot_requests_total',
      help: 'HubSpot API requests sent, per portal',
      labelNames: ['portal'],
      registers,
    });
    this.hubspotThrottled = new Counter({
      name: 'personas_hubspot_429_total',
      help: 'HubSpot 429 (rate limited) answers, per portal',
      labelNames: ['portal'],
      registers,
    });
    this.jobRuns = new Counter({
      name: 'personas_jobs_total',
      help: 'Jobs run, by job and outcome (succeeded, failed, deferred, continued)',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'personas_job_duration_seconds',
      help: 'How long jobs ran',
      labelNames: ['job'],
      registers,
      buckets: [0.05, 0.25, 1, 5, 15, 30, 60, 300, 900, 3600],
    });
    const cluster = options.cluster;
    if (!cluster) return;
    const backlog = () => cluster.inboxBacklog();
    new Gauge({
      name: 'personas_inbox_pending',
      help: 'Webhook events waiting to be applied',
      registers,
      async collect() {
        this.set((await backlog()).pending);
      },
    });
    new Gauge({
      name: 'personas_inbox_failed',
      help: 'Webhook events parked after too many attempts',
      registers,
      async collect() {
        this.set((await backlog()).failed);
      },
    });
    new Gauge({
      name: 'personas_inbox_oldest_pending_age_seconds',
      help: 'Age of the oldest webhook event waiting',
      registers,
      async collect() {
        const b = await backlog();
        this.set(b.oldestPendingAt === null ? 0 : Math.max(0, (cluster.now() - b.oldestPendingAt) / 1000));
      },
    });
    new Gauge({
      name: 'personas_sync_running',
      help: 'Sync runs in progress, per portal, kind and phase',
      labelNames: ['portal', 'kind', 'phase'],
      registers,
      async collect() {
        this.reset();
        for (const r of await cluster.runningSyncs()) this.set({ portal: String(r.portalId), kind: r.kind, phase: r.phase ?? 'start' }, 1);
      },
    });
    new Gauge({
      name: 'personas_sync_progress_records',
      help: 'Records the running sync has processed in its current phase',
      labelNames: ['portal', 'kind'],
      registers,
      async collect() {
        this.reset();
        for (const r of await cluster.runningSyncs()) this.set({ portal: String(r.portalId), kind: r.kind }, r.done);
      },
    });
    new Gauge({
      name: 'personas_sync_lag_seconds',
      help: "How far each portal's store is behind HubSpot (since its last completed sync window)",
      labelNames: ['portal'],
      registers,
      async collect() {
        this.reset();
        for (const s of await cluster.syncedUpTo()) this.set({ portal: String(s.portalId) }, Math.max(0, (cluster.now() - s.at) / 1000));
      },
    });
    new Gauge({
      name: 'personas_pending_writes',
      help: 'Contacts whose persona waits to be written to HubSpot, per portal',
      labelNames: ['portal'],
      registers,
      async collect() {
        this.reset();
        for (const [portalId, n] of await cluster.pendingWrites()) this.set({ portal: String(portalId) }, n);
      },
    });
  }

  /** Hooked to the HubSpot gateway's usage recorder. */
  hubspotCall(portalId: PortalId, delta: { calls?: number; throttled?: number }): void {
    if (delta.calls) this.hubspotRequests.inc({ portal: String(portalId) }, delta.calls);
    if (delta.throttled) this.hubspotThrottled.inc({ portal: String(portalId) }, delta.throttled);
  }

  finished(job: { name: string; ms: number; outcome: string }): void {
    this.jobRuns.inc({ job: job.name, outcome: job.outcome });
    if (job.outcome !== 'deferred') this.jobSeconds.observe({ job: job.name }, job.ms / 1000);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

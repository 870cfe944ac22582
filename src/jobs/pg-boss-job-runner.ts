import { Client } from 'pg';
import PgBoss from 'pg-boss';
import type { PortalId } from '../crm/model';
import type { Logger } from '../platform/logger';
import {
  PORTAL_JOB_NAME,
  type EnqueueOptions,
  type JobLane,
  type JobObserver,
  type JobRunner,
  type PortalJobDefinition,
  type ScheduledJobDefinition,
} from './job-runner';
import { PortalLocks } from './portal-locks';

/** The queue pg-boss's cron clock sends its ticks through (pg-boss/src/timekeeper.js QUEUES.SEND_IT). */
const PG_BOSS_CLOCK_QUEUE = '__pgboss__send-it';

export interface PgBossJobRunnerOptions {
  readonly connectionString: string;
  /** pg-boss's own schema. */
  readonly schema: string;
  readonly logger: Logger;
  readonly concurrency: { readonly long: number; readonly short: number };
  /** A job still active this long after it started belongs to a dead worker and is handed out again. */
  readonly expireSeconds: number;
  /** How often the engine looks for such jobs (and runs its other upkeep). */
  readonly maintenanceSeconds: number;
  readonly pollMs?: number;
  readonly observer?: JobObserver;
}

interface PortalJobData {
  readonly job: string;
  readonly portalId: PortalId;
  readonly data: Readonly<Record<string, unknown>>;
}

const QUEUE: Record<JobLane, string> = { long: 'portal-long', short: 'portal-short' };
/** A job whose portal is busy goes back to the queue for this long. */
const DEFER_SECONDS = 2;
const cronQueue = (name: string) => `cron-${name}`;
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Scale mode's runner on pg-boss. Two queues, one per lane, each fetched by this process as far as
 * its lane has free slots, so a lane full of full syncs never starves the short lane. The queues'
 * `short` policy keeps at most one waiting job per name and portal. Per-portal exclusivity is a
 * PostgreSQL advisory lock (see PortalLocks); a job whose portal is busy is put back with a delay.
 * Schedules are pg-boss's: one job per cron tick for the whole cluster.
 */
export class PgBossJobRunner implements JobRunner {
  readonly kind = 'pg-boss' as const;
  private readonly definitions = new Map<string, PortalJobDefinition>();
  private readonly schedules = new Map<string, ScheduledJobDefinition>();
  private boss!: PgBoss;
  private readonly locks: PortalLocks;
  private readonly running: Record<JobLane, Set<Promise<void>>> = { long: new Set(), short: new Set() };
  private readonly wakers: Record<JobLane, (() => void) | null> = { long: null, short: null };
  private readonly controllers = new Set<AbortController>();
  private loops: Promise<void>[] = [];
  private working = false;
  private started = false;
  /** Settles once start() has finished: a process answers HTTP before its runner is up, so early enqueues wait for it. */
  private ready: Promise<void> | null = null;

  constructor(private readonly options: PgBossJobRunnerOptions) {
    this.locks = new PortalLocks({
      connectionString: options.connectionString,
      namespace: `personas:${options.schema}`,
      logger: options.logger,
      onLost: () => {
        for (const c of this.controllers) c.abort();
      },
    });
  }

  definePortalJob(definition: PortalJobDefinition): void {
    if (!PORTAL_JOB_NAME.test(definition.name)) throw new RangeError(`Invalid job name ${definition.name}`);
    this.definitions.set(definition.name, definition);
  }

  schedule(definition: ScheduledJobDefinition): void {
    if (!PORTAL_JOB_NAME.test(definition.name)) throw new RangeError(`Invalid job name ${definition.name}`);
    this.schedules.set(definition.name, definition);
  }

  async enqueue(
    name: string,
    portalId: PortalId,
    data: Readonly<Record<string, unknown>> = {},
    options: EnqueueOptions = {},
  ): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new RangeError(`No portal job named ${name}`);
    if (!this.ready) throw new Error('the job runner is not started');
    await this.ready;
    await this.send(definition, portalId, data, Math.ceil((options.afterMs ?? 0) / 1000));
    this.wakers[definition.lane]?.();
  }

  start(options: { work: boolean; schedules: boolean }): Promise<void> {
    this.ready ??= this.startOnce(options);
    return this.ready;
  }

  private async startOnce(options: { work: boolean; schedules: boolean }): Promise<void> {
    this.started = true;
    const o = this.options;
    this.boss = new PgBoss({
      connectionString: o.connectionString,
      schema: o.schema,
      max: 4,
      application_name: 'personas-jobs',
      expireInSeconds: o.expireSeconds,
      maintenanceIntervalSeconds: o.maintenanceSeconds,
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      // Web processes only queue: no upkeep and no cron clock there.
      supervise: options.work,
      schedule: options.work && options.schedules,
    });
    this.boss.on('error', (err) => o.logger.warn({ err }, 'job engine error'));
    await this.boss.start();
    await this.ensureQueues([
      ...Object.values(QUEUE).map((name) => ({ name, policy: 'short' as const })),
      ...[...this.schedules.keys()].map((name) => ({ name: cronQueue(name), policy: 'standard' as const })),
      // pg-boss's clock sends every cron tick through this queue and creates it at start, swallowing
      // any failure: when that creation lost a deadlock in every worker started together, no schedule
      // ever fired (reconcile, incremental syncs) and nothing said so. Made sure of here, under our lock.
      ...(options.work && options.schedules ? [{ name: PG_BOSS_CLOCK_QUEUE, policy: 'standard' as const }] : []),
    ]);
    if (!options.work) return;
    this.working = true;
    for (const [name, job] of this.schedules) {
      if (options.schedules)
        await this.boss.schedule(cronQueue(name), job.cron, {}, { tz: 'UTC', retryLimit: 0, expireInSeconds: this.options.expireSeconds });
      else await this.boss.unschedule(cronQueue(name));
      await this.boss.work(cronQueue(name), { pollingIntervalSeconds: 2 }, async () => this.runScheduled(job));
    }
    this.loops = (['long', 'short'] as const).map((lane) => this.loop(lane));
  }

  async stop(): Promise<void> {
    this.working = false;
    for (const c of this.controllers) c.abort();
    for (const lane of ['long', 'short'] as const) this.wakers[lane]?.();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.running.long, ...this.running.short]);
    if (this.started) await this.boss.stop({ graceful: true, wait: true, close: true, timeout: 10_000 }).catch(() => undefined);
    await this.locks.close();
  }

  async idle(): Promise<void> {
    for (;;) {
      const busy = this.running.long.size + this.running.short.size;
      // Waiting, retrying or running anywhere in the cluster.
      const open =
        (await this.boss.getQueueSize(QUEUE.long, { before: 'completed' })) +
        (await this.boss.getQueueSize(QUEUE.short, { before: 'completed' }));
      if (busy === 0 && open === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Jobs waiting in a lane (for metrics). */
  async queued(lane: JobLane): Promise<number> {
    return this.boss.getQueueSize(QUEUE[lane]);
  }

  /**
   * Creates the missing queues, one process at a time: a deployment starts its processes together,
   * and pg-boss's queue creation (partition DDL) run by several at once waits on locks and fails
   * for all but one, which kept every process's start (and a web process's first enqueue) waiting.
   */
  private async ensureQueues(queues: readonly { name: string; policy: 'short' | 'standard' }[]): Promise<void> {
    const missing = [];
    for (const q of queues) if (!(await this.boss.getQueue(q.name))) missing.push(q);
    if (missing.length === 0) return;
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'personas-jobs-setup' });
    await client.connect();
    try {
      // A session lock: ending the connection releases it, even if this process dies here.
      await client.query('select pg_advisory_lock(hashtext($1))', [`personas-queues:${this.options.schema}`]);
      for (const q of missing) {
        for (let attempt = 1; !(await this.boss.getQueue(q.name)); attempt++) {
          try {
            await this.boss.createQueue(q.name, { name: q.name, policy: q.policy });
          } catch (err) {
            // pg-boss's own clock creates its queue at start in every worker, outside this lock: a
            // deadlock between the two DDLs fails one of them, and trying again succeeds.
            if (attempt >= 20) throw err;
            await new Promise((r) => setTimeout(r, 100 * attempt));
          }
        }
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private send(
    definition: PortalJobDefinition,
    portalId: PortalId,
    data: Readonly<Record<string, unknown>>,
    afterSeconds: number,
  ): Promise<string | null> {
    const payload: PortalJobData = { job: definition.name, portalId, data };
    return this.boss.send(QUEUE[definition.lane], payload, {
      singletonKey: `${definition.name}:${portalId}`,
      ...(afterSeconds > 0 ? { startAfter: afterSeconds } : {}),
    });
  }

  private async loop(lane: JobLane): Promise<void> {
    const limit = this.options.concurrency[lane];
    const pollMs = this.options.pollMs ?? 500;
    while (this.working) {
      const free = limit - this.running[lane].size;
      let fetched: PgBoss.Job<PortalJobData>[] = [];
      if (free > 0) {
        try {
          fetched = await this.boss.fetch<PortalJobData>(QUEUE[lane], { batchSize: free });
        } catch (err) {
          this.options.logger.warn({ lane, err }, 'could not fetch jobs');
        }
      }
      for (const job of fetched) {
        const run: Promise<void> = this.runPortalJob(lane, job).finally(() => {
          this.running[lane].delete(run);
          this.wakers[lane]?.();
        });
        this.running[lane].add(run);
      }
      // A full batch means more may be waiting: fetch again at once when slots are free.
      if (fetched.length > 0 && fetched.length === free) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wakers[lane] = () => {
          this.wakers[lane] = null;
          done();
        };
      });
    }
  }

  private async runPortalJob(lane: JobLane, job: PgBoss.Job<PortalJobData>): Promise<void> {
    const queue = QUEUE[lane];
    const { job: name, portalId, data } = job.data;
    const definition = this.definitions.get(name);
    const started = Date.now();
    const observe = (outcome: 'succeeded' | 'failed' | 'deferred' | 'continued', error?: string) =>
      this.options.observer?.finished({ name, portalId, ms: Date.now() - started, outcome, ...(error ? { error } : {}) });
    if (!definition) {
      await this.boss.fail(queue, job.id, { message: `no job named ${name} in this build` }).catch(() => undefined);
      return;
    }
    let locked = false;
    try {
      locked = await this.locks.tryLock(portalId);
    } catch (err) {
      this.options.logger.warn({ job: name, portalId, err }, 'could not take the portal lock');
    }
    if (!locked) {
      // Another job of this portal runs somewhere: try again shortly, behind the jobs waiting now.
      try {
        await this.send(definition, portalId, data, DEFER_SECONDS);
        await this.boss.complete(queue, job.id);
      } catch (err) {
        await this.boss.fail(queue, job.id, { message: errorText(err) }).catch(() => undefined);
      }
      observe('deferred');
      return;
    }
    const controller = new AbortController();
    this.controllers.add(controller);
    try {
      const result = await definition.run(portalId, data, { signal: controller.signal });
      const again = result ? result.again : null;
      // Queued before this job completes, so a crash in between cannot lose the continuation.
      if (again) await this.send(definition, portalId, data, Math.ceil(again.afterMs / 1000));
      await this.boss.complete(queue, job.id);
      observe(again ? 'continued' : 'succeeded');
    } catch (err) {
      const error = errorText(err);
      this.options.logger.warn({ job: name, portalId, err: error }, 'portal job failed; the job engine retries it');
      await this.boss.fail(queue, job.id, { message: error }).catch(() => undefined);
      observe('failed', error);
    } finally {
      this.controllers.delete(controller);
      await this.locks.unlock(portalId);
    }
  }

  private async runScheduled(job: ScheduledJobDefinition): Promise<void> {
    const started = Date.now();
    try {
      await job.run();
      this.options.logger.info({ job: job.name, ms: Date.now() - started }, 'scheduled job finished');
      this.options.observer?.finished({ name: job.name, portalId: null, ms: Date.now() - started, outcome: 'succeeded' });
    } catch (err) {
      this.options.observer?.finished({
        name: job.name,
        portalId: null,
        ms: Date.now() - started,
        outcome: 'failed',
        error: errorText(err),
      });
      throw err;
    }
  }
}

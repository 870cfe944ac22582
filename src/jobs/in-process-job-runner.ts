import Bottleneck from 'bottleneck';
import type { PortalId } from '../crm/model';
import type { Logger } from '../platform/logger';
import { JobCatalogue } from './job-catalogue';
import {
  PORTAL_JOB_NAME,
  type EnqueueOptions,
  type JobObserver,
  type JobRunner,
  type PortalJobDefinition,
  type ScheduledJobDefinition,
} from './job-runner';

export interface InProcessJobRunnerOptions {
  readonly logger: Logger;
  readonly concurrency: { readonly long: number; readonly short: number };
  readonly observer?: JobObserver;
}

/**
 * The embedded layout's runner: one process owns the database, so its memory is the whole cluster.
 * Per-portal exclusivity and the lanes are Bottleneck limiters; schedules are node-cron.
 */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private readonly definitions = new Map<string, PortalJobDefinition>();
  private readonly catalogue: JobCatalogue;
  private readonly portals = new Bottleneck.Group({ maxConcurrent: 1 });
  private readonly lanes: Record<'long' | 'short', Bottleneck>;
  private readonly waiting = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private working = false;
  private schedulesStarted = false;

  constructor(private readonly options: InProcessJobRunnerOptions) {
    this.catalogue = new JobCatalogue({ logger: options.logger });
    this.lanes = {
      long: new Bottleneck({ maxConcurrent: options.concurrency.long }),
      short: new Bottleneck({ maxConcurrent: options.concurrency.short }),
    };
  }

  definePortalJob(definition: PortalJobDefinition): void {
    if (!PORTAL_JOB_NAME.test(definition.name)) throw new RangeError(`Invalid job name ${definition.name}`);
    this.definitions.set(definition.name, definition);
  }

  schedule(definition: ScheduledJobDefinition): void {
    this.catalogue.add(definition);
  }

  scheduled(): readonly ScheduledJobDefinition[] {
    return this.catalogue.list();
  }

  /** Runs one scheduled job now, the way its schedule would. */
  runScheduledNow(name: string): Promise<void> {
    return this.catalogue.runNow(name);
  }

  async enqueue(
    name: string,
    portalId: PortalId,
    data: Readonly<Record<string, unknown>> = {},
    options: EnqueueOptions = {},
  ): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new RangeError(`No portal job named ${name}`);
    if (!this.working) return;
    const key = `${name}:${portalId}`;
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    const submit = () => {
      const run = this.portals
        .key(String(portalId))
        .schedule(() => this.lanes[definition.lane].schedule(() => this.execute(definition, portalId, data, key)));
      this.track(run);
    };
    if (options.afterMs && options.afterMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        submit();
      }, options.afterMs);
      timer.unref();
      this.timers.add(timer);
    } else {
      submit();
    }
  }

  /** Resolves once nothing is queued or running (tests and the CLI). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.timers.size > 0) {
      await Promise.allSettled([...this.running]);
      if (this.running.size === 0 && this.timers.size > 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  async start(options: { work: boolean; schedules: boolean }): Promise<void> {
    this.working = options.work;
    if (options.work && options.schedules) {
      this.catalogue.start();
      this.schedulesStarted = true;
    }
  }

  async stop(): Promise<void> {
    this.working = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.schedulesStarted) await this.catalogue.stop();
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  private track(run: Promise<void>): void {
    const tracked = run.catch(() => undefined).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async execute(
    definition: PortalJobDefinition,
    portalId: PortalId,
    data: Readonly<Record<string, unknown>>,
    key: string,
  ): Promise<void> {
    this.waiting.delete(key);
    if (this.abort.signal.aborted) return;
    const started = Date.now();
    try {
      const result = await definition.run(portalId, data, { signal: this.abort.signal });
      const again = result ? result.again : null;
      this.options.observer?.finished({
        name: definition.name,
        portalId,
        ms: Date.now() - started,
        outcome: again ? 'continued' : 'succeeded',
      });
      if (again && this.working) await this.enqueue(definition.name, portalId, data, { afterMs: again.afterMs });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.options.observer?.finished({ name: definition.name, portalId, ms: Date.now() - started, outcome: 'failed', error });
      this.options.logger.warn({ job: definition.name, portalId, err: error }, 'portal job failed');
    }
  }
}

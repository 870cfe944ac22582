import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../platform/logger';

export interface JobDefinition {
  readonly name: string;
  /** A cron expression (5 or 6 fields), from configuration. */
  readonly cron: string;
  readonly run: () => Promise<unknown>;
}

/**
 * The one catalogue of periodic work. Each job never overlaps itself, logs its failures instead of
 * throwing, and does not keep the process alive. Other capabilities add their jobs with `add`.
 */
export class JobCatalogue {
  private readonly jobs: JobDefinition[] = [];
  private readonly tasks: ScheduledTask[] = [];

  constructor(private readonly deps: { logger: Logger }) {}

  add(job: JobDefinition): this {
    if (!cron.validate(job.cron)) throw new RangeError(`Job ${job.name}: invalid cron expression "${job.cron}"`);
    this.jobs.push(job);
    return this;
  }

  list(): readonly JobDefinition[] {
    return this.jobs;
  }

  /** Runs one job now, the way the schedule would (errors logged, not thrown). */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new RangeError(`No job named ${name}`);
    await this.execute(job);
  }

  start(): void {
    const log = this.deps.logger;
    const quiet = {
      info: (m: string) => log.debug({ source: 'node-cron' }, m),
      warn: (m: string) => log.debug({ source: 'node-cron' }, m),
      error: (m: string | Error) => log.warn({ source: 'node-cron' }, String(m)),
      debug: (m: string | Error) => log.trace({ source: 'node-cron' }, String(m)),
    };
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.cron, () => this.execute(job), { name: job.name, noOverlap: true, unref: true, logger: quiet }));
    }
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
  }

  private async execute(job: JobDefinition): Promise<void> {
    const started = Date.now();
    try {
      await job.run();
      this.deps.logger.info({ job: job.name, ms: Date.now() - started }, 'job finished');
    } catch (err) {
      this.deps.logger.warn({ job: job.name, ms: Date.now() - started, err }, 'job failed');
    }
  }
}

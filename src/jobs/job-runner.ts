import type { PortalId } from '../crm/model';

/**
 * Background work, one abstraction for both layouts: one process on SQLite runs it in memory,
 * any number of worker processes on PostgreSQL share it through a job engine.
 *
 * Portal jobs are exclusive per portal: at most one job of any name runs for a portal at a time,
 * cluster-wide, so a portal's syncs, rescores, write-backs and webhook batches never overlap and
 * never send the same change twice. Jobs run in one of two lanes, each with its own concurrency,
 * so long work (a full sync) never holds up short work (webhook batches, incremental syncs).
 */
export type JobLane = 'long' | 'short';

export interface PortalJobContext {
  /** Aborted when the process stops; long bodies stop at their next safe point and ask to continue. */
  readonly signal: AbortSignal;
}

/** `again`: queue the same job once more (a sliced sync's next slice, a retry at a chosen time). */
export type PortalJobResult = void | { readonly again: { readonly afterMs: number } };

export interface PortalJobDefinition {
  readonly name: string;
  readonly lane: JobLane;
  run(portalId: PortalId, data: Readonly<Record<string, unknown>>, ctx: PortalJobContext): Promise<PortalJobResult>;
}

/** Runs once per cluster per tick of its cron expression, wherever a worker is free. */
export interface ScheduledJobDefinition {
  readonly name: string;
  readonly cron: string;
  run(): Promise<unknown>;
}

export interface EnqueueOptions {
  readonly afterMs?: number;
}

export type JobOutcome = 'succeeded' | 'failed' | 'deferred' | 'continued';

/** What observability needs to know about each job that ran. */
export interface JobObserver {
  finished(job: { name: string; portalId: PortalId | null; ms: number; outcome: JobOutcome; error?: string }): void;
}

export interface JobRunner {
  readonly kind: 'in-process' | 'pg-boss';
  definePortalJob(definition: PortalJobDefinition): void;
  schedule(definition: ScheduledJobDefinition): void;
  /**
   * Queues a portal job. A job of the same name already waiting for the portal absorbs the request
   * (it reads the portal's state when it starts, so one run covers both).
   */
  enqueue(name: string, portalId: PortalId, data?: Readonly<Record<string, unknown>>, options?: EnqueueOptions): Promise<void>;
  /** `work`: run jobs here (all and worker roles); without it the process only queues (web role). */
  start(options: { work: boolean; schedules: boolean }): Promise<void>;
  /** Stops taking jobs, asks running ones to stop at a safe point and waits for them. */
  stop(): Promise<void>;
  /** Resolves once no portal job is queued or running (tests, the CLI, benchmarks). */
  idle(): Promise<void>;
}

export const PORTAL_JOB_NAME = /^[a-z][a-z0-9-]{0,40}$/;

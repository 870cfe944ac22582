import type { PortalId } from '../crm/model';
import type { PortalStore } from '../install/portal-store';
import type { RescoreResult, WriteBackResult } from '../personas/assignment-service';
import { AppError } from '../platform/errors';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { StreamFigures } from './progress-meter';
import type { SyncProgress, SyncRunKind, SyncStore } from './sync-store';

/** `stream`: a full sync or reconcile listing, scoring and writing page by page. */
export type SyncPhase = 'stream' | 'contacts' | 'tickets' | 'companies' | 'feedback_submissions' | 'assign' | 'write' | 'purge';

export interface SyncProgressEvent {
  readonly phase: SyncPhase;
  readonly done: number;
  readonly total: number | null;
  /** While streaming: contacts scored, written, remaining, and the time to go at the measured rate. */
  readonly figures?: StreamFigures;
}

export interface SyncOptions {
  readonly onProgress?: (event: SyncProgressEvent) => void;
  /**
   * Stops the run at its next page boundary with the cursor saved (a job's time slice ended or its
   * process is stopping); the run then rejects with SyncPausedError and the next run resumes.
   */
  readonly signal?: AbortSignal;
}

/** The run stopped on its caller's signal; its cursor is saved and the next run continues from it. */
export class SyncPausedError extends Error {
  constructor(readonly portalId: PortalId) {
    super(`The sync of portal ${portalId} paused; the next run resumes where it stopped`);
    this.name = 'SyncPausedError';
  }
}

export interface SyncSummary {
  readonly runId: number;
  readonly kind: SyncRunKind;
  readonly contacts: number;
  readonly tickets: number;
  readonly purgedContacts: number;
  readonly purgedTickets: number;
  readonly rescore: RescoreResult;
  readonly writeBack: WriteBackResult;
}

/** What a run's body reports; the run's id and kind are added by whoever started it. */
export type RunOutcome = Omit<SyncSummary, 'runId' | 'kind'>;

/** What a running sync's body sees: whether to stop, and where to report progress. */
export interface RunContext {
  aborted: boolean;
  progress(phase: SyncPhase, done: number, total: number | null, figures?: StreamFigures): void;
}

export interface StreamProgress {
  /** `stopped`: the run failed or its process died; the next scheduled sync resumes it from its cursor. */
  readonly state: 'none' | 'running' | 'done' | 'stopped';
  readonly kind: SyncRunKind | null;
  readonly startedAt: number | null;
  readonly figures: StreamFigures | null;
  readonly error: string | null;
}

export interface CurrentRun {
  readonly kind: SyncRunKind;
  readonly startedAt: number;
  readonly progress: SyncProgress;
}

interface RunningSync {
  readonly kind: SyncRunKind;
  readonly ctx: RunContext;
  readonly startedAt: number;
  readonly live: { progress: SyncProgress };
  readonly promise: Promise<SyncSummary>;
}

export interface SyncRunsDeps {
  readonly sync: SyncStore;
  readonly portals: PortalStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * One run per portal at a time: starts a run's record, feeds its progress to the caller and (every
 * second) to the store, and finishes the record as succeeded, paused or failed.
 */
export class SyncRuns {
  private readonly running = new Map<PortalId, RunningSync>();

  constructor(private readonly deps: SyncRunsDeps) {}

  current(portalId: PortalId): CurrentRun | null {
    const r = this.running.get(portalId);
    return r ? { kind: r.kind, startedAt: r.startedAt, progress: r.live.progress } : null;
  }

  isRunning(portalId: PortalId): boolean {
    return this.running.has(portalId);
  }

  /**
   * How the portal's full sync stands: the run in this process, else the latest full sync or
   * reconcile recorded (a run in another process saves its progress every second).
   */
  async streamProgress(portalId: PortalId): Promise<StreamProgress> {
    const mine = this.running.get(portalId);
    if (mine && (mine.kind === 'full' || mine.kind === 'reconcile')) {
      return { state: 'running', kind: mine.kind, startedAt: mine.startedAt, figures: figuresOf(mine.live.progress), error: null };
    }
    const run = (await this.deps.sync.recentRuns(portalId, 20)).find((r) => r.kind === 'full' || r.kind === 'reconcile');
    if (!run) return { state: 'none', kind: null, startedAt: null, figures: null, error: null };
    const state = run.status === 'running' ? 'running' : run.status === 'succeeded' ? 'done' : 'stopped';
    const figures = figuresOf(run.progress);
    return {
      state,
      kind: run.kind,
      startedAt: run.startedAt,
      figures: figures && state === 'done' ? { ...figures, remaining: 0, etaSeconds: 0 } : figures,
      error: run.error,
    };
  }

  /** Stops every run at its next page boundary (cursors stay, so the next run resumes) and waits for them. */
  async stop(): Promise<void> {
    const runs = [...this.running.values()];
    for (const r of runs) r.ctx.aborted = true;
    await Promise.allSettled(runs.map((r) => r.promise));
  }

  /** Runs `body` as the portal's one run; a second caller of the same kind joins it, another kind is refused. */
  exclusive(
    portalId: PortalId,
    kind: SyncRunKind,
    options: SyncOptions,
    body: (ctx: RunContext) => Promise<RunOutcome>,
  ): Promise<SyncSummary> {
    const current = this.running.get(portalId);
    if (current) {
      if (current.kind === kind) return current.promise;
      return Promise.reject(new AppError('conflict', `A ${current.kind} sync of portal ${portalId} is already running`));
    }
    const startedAt = this.deps.clock.now();
    const live: { progress: SyncProgress } = { progress: { done: 0 } };
    let lastSaved = 0;
    const ctx: RunContext = {
      aborted: false,
      progress: (phase, done, total, figures) => {
        const progress: SyncProgress = { ...live.progress, phase, done, total, [phase]: done, ...figures };
        live.progress = progress;
        options.onProgress?.({ phase, done, total, ...(figures ? { figures } : {}) });
        const now = Date.now();
        if (runId !== null && now - lastSaved > 1_000) {
          lastSaved = now;
          void this.deps.sync.updateRun(runId, progress).catch(() => undefined);
        }
      },
    };
    let runId: number | null = null;
    const paused = () => {
      ctx.aborted = true;
    };
    if (options.signal?.aborted) paused();
    options.signal?.addEventListener('abort', paused, { once: true });
    const promise = (async (): Promise<SyncSummary> => {
      const portal = await this.deps.portals.get(portalId);
      if (!portal || portal.state === 'uninstalled') throw new AppError('not_found', `Portal ${portalId} is not installed`);
      const run = await this.deps.sync.startRun(portalId, kind, startedAt);
      runId = run.id;
      try {
        const result = await body(ctx);
        stopIfAborted(ctx);
        // A streamed run's figures count the runs it resumed too; they win over this run's own counters.
        await this.deps.sync.updateRun(run.id, { ...summaryCounters(result), ...live.progress });
        const failed = result.writeBack.failed;
        await this.deps.sync.finishRun(
          run.id,
          'succeeded',
          failed > 0 ? `${failed} persona write(s) failed and stay pending: ${result.writeBack.errors[0] ?? ''}` : null,
          this.deps.clock.now(),
        );
        this.deps.logger.info({ portalId, kind, ...summaryCounters(result) }, 'sync finished');
        return { runId: run.id, kind, ...result };
      } catch (err) {
        const pausedBySignal = options.signal?.aborted === true;
        ctx.aborted = true;
        if (pausedBySignal) {
          await this.deps.sync
            .finishRun(run.id, 'interrupted', 'paused; the next run resumes where it stopped', this.deps.clock.now())
            .catch(() => undefined);
          this.deps.logger.info({ portalId, kind, ...live.progress }, 'sync paused');
          throw new SyncPausedError(portalId);
        }
        await this.deps.sync.finishRun(run.id, 'failed', errorText(err), this.deps.clock.now()).catch(() => undefined);
        this.deps.logger.warn({ portalId, kind, err }, 'sync failed');
        throw err;
      }
    })().finally(() => {
      options.signal?.removeEventListener('abort', paused);
      this.running.delete(portalId);
    });
    this.running.set(portalId, { kind, ctx, startedAt, live, promise });
    return promise;
  }
}

export function stopIfAborted(ctx: RunContext): void {
  if (ctx.aborted) throw new Error('the sync was stopped; the next run resumes where it stopped');
}

/** A run's progress and stop signal, as the assignment service takes them. */
export function reportingTo(ctx: RunContext) {
  return {
    onProgress: (phase: 'assign' | 'write', p: { done: number; total: number | null }) => ctx.progress(phase, p.done, p.total),
    shouldStop: () => ctx.aborted,
  };
}

function figuresOf(p: SyncProgress): StreamFigures | null {
  if (typeof p.scored !== 'number') return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    total: num(p.total),
    scored: p.scored,
    written: num(p.written) ?? 0,
    remaining: num(p.remaining),
    contactsPerSecond: num(p.contactsPerSecond),
    etaSeconds: num(p.etaSeconds),
  };
}

function summaryCounters(s: RunOutcome): Record<string, number> {
  return {
    contacts: s.contacts,
    tickets: s.tickets,
    purgedContacts: s.purgedContacts,
    purgedTickets: s.purgedTickets,
    scored: s.rescore.scored,
    changed: s.rescore.changed,
    written: s.writeBack.written,
    writeFailures: s.writeBack.failed,
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

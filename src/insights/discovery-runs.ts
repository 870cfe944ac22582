import type { PortalId } from '../crm/model';
import { AppError } from '../platform/errors';

export type DiscoveryRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** Where a discovery run is: `done` of `total` (null while unknown) within `phase`. */
export interface DiscoveryProgress {
  readonly phase: 'queued' | 'reading contacts' | 'clustering' | 'saving' | 'done';
  readonly done: number;
  readonly total: number | null;
}

export interface DiscoveryRun extends DiscoveryProgress {
  readonly id: string;
  readonly portalId: PortalId;
  readonly status: DiscoveryRunStatus;
  /** The stored discovery report, once succeeded. */
  readonly reportId: string | null;
  /** Why it failed, in words an admin reads. */
  readonly error: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface DiscoveryRunStore {
  create(portalId: PortalId, at: number): Promise<DiscoveryRun>;
  update(
    portalId: PortalId,
    id: string,
    patch: Partial<Pick<DiscoveryRun, 'status' | 'phase' | 'done' | 'total' | 'reportId' | 'error'>>,
    at: number,
  ): Promise<void>;
  get(portalId: PortalId, id: string): Promise<DiscoveryRun | null>;
  /** The newest run of the portal, or null. */
  latest(portalId: PortalId): Promise<DiscoveryRun | null>;
}

export interface DiscoveryRunsDeps {
  readonly runs: DiscoveryRunStore;
  /** Queues the portal's discovery job (see defineInsightsJobs). */
  readonly enqueue: (portalId: PortalId, runId: string) => Promise<void>;
  /** Runs discovery, reporting its progress; resolves with the stored report's id. */
  readonly discover: (portalId: PortalId, progress: (p: DiscoveryProgress) => Promise<void>) => Promise<{ id: string }>;
  readonly now: () => number;
  /** Progress is written at most this often (ms), plus at every phase change. */
  readonly progressEveryMs?: number;
  /** How often a running run is touched (ms); a run silent for twelve of these is taken as lost. */
  readonly heartbeatMs?: number;
}

/** A queued run waits for a free job slot (behind long syncs in scale mode): this long without starting, it is lost. */
const QUEUED_LOST_MS = 30 * 60_000;
/** A running run's job touches it this often, whatever its progress, so that silence means its process is gone. */
const HEARTBEAT_MS = 10_000;
/** A running run silent for this many heartbeats (two minutes; discovery on 100,000 contacts takes 3.9 s in all, docs/benchmarks.md) is lost: its process died or was killed. */
const RUNNING_LOST_HEARTBEATS = 12;

const LOST_MESSAGE = 'this run stopped without finishing (the process running it was stopped or crashed); start discovery again';

/**
 * Discovery as a background job: `start` answers at once with a run the admin page polls; the job
 * records progress (phase, done of total) and, at the end, the report or the reason it failed.
 */
export class DiscoveryRuns {
  constructor(private readonly deps: DiscoveryRunsDeps) {}

  /** Starts a run, or returns the one already queued or running for the portal (one at a time). */
  async start(portalId: PortalId): Promise<DiscoveryRun> {
    const now = this.deps.now();
    const latest = await this.deps.runs.latest(portalId);
    if (latest && (latest.status === 'queued' || latest.status === 'running') && !this.isLost(latest, now)) return latest;
    const run = await this.deps.runs.create(portalId, now);
    await this.deps.enqueue(portalId, run.id);
    return run;
  }

  async get(portalId: PortalId, runId: string): Promise<DiscoveryRun> {
    const run = /^\d+$/.test(runId) ? await this.deps.runs.get(portalId, runId) : null;
    if (!run) throw new AppError('not_found', `Discovery run ${runId} does not exist for this portal`);
    return this.asSeen(run);
  }

  async latest(portalId: PortalId): Promise<DiscoveryRun | null> {
    const run = await this.deps.runs.latest(portalId);
    return run && this.asSeen(run);
  }

  private isLost(run: DiscoveryRun, now: number): boolean {
    const silentFor = now - run.updatedAt;
    if (run.status === 'running') return silentFor > RUNNING_LOST_HEARTBEATS * (this.deps.heartbeatMs ?? HEARTBEAT_MS);
    return run.status === 'queued' && silentFor > QUEUED_LOST_MS;
  }

  /** A lost run is shown as failed, so the admin page stops polling it and offers a new start. */
  private asSeen(run: DiscoveryRun): DiscoveryRun {
    return this.isLost(run, this.deps.now()) ? { ...run, status: 'failed', error: LOST_MESSAGE } : run;
  }

  /** The job's body. A failure is recorded on the run (the job itself succeeds: retrying would fail the same way). */
  async execute(portalId: PortalId, runId: string): Promise<void> {
    const every = this.deps.progressEveryMs ?? 500;
    let lastPhase = '';
    let lastWrite = 0;
    const progress = async (p: DiscoveryProgress) => {
      const now = this.deps.now();
      if (p.phase === lastPhase && now - lastWrite < every) return;
      lastPhase = p.phase;
      lastWrite = now;
      await this.deps.runs.update(portalId, runId, { status: 'running', ...p }, now);
    };
    await this.deps.runs.update(portalId, runId, { status: 'running', phase: 'reading contacts', done: 0, total: null }, this.deps.now());
    // Clustering can go minutes without a progress report; the heartbeat keeps the run from looking lost.
    let touching: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(() => {
      touching = touching.then(() => this.deps.runs.update(portalId, runId, {}, this.deps.now())).catch(() => undefined);
    }, this.deps.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
    let outcome: { id: string } | { err: unknown };
    try {
      outcome = await this.deps.discover(portalId, progress);
    } catch (err) {
      outcome = { err };
    } finally {
      clearInterval(heartbeat);
      // A touch still being written lands before the outcome, never after it.
      await touching;
    }
    if ('id' in outcome) {
      await this.deps.runs.update(portalId, runId, { status: 'succeeded', phase: 'done', reportId: outcome.id }, this.deps.now());
      return;
    }
    const { err } = outcome;
    const message = err instanceof AppError ? err.message : `discovery failed: ${err instanceof Error ? err.message : String(err)}`;
    await this.deps.runs.update(portalId, runId, { status: 'failed', error: message }, this.deps.now());
    if (!(err instanceof AppError)) throw err;
  }
}

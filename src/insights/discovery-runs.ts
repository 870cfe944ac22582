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
}

/** A run queued or running this long ago without a word is taken as lost (its process died). */
const STALE_RUN_MS = 30 * 60_000;

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
    if (latest && (latest.status === 'queued' || latest.status === 'running') && now - latest.updatedAt < STALE_RUN_MS) return latest;
    const run = await this.deps.runs.create(portalId, now);
    await this.deps.enqueue(portalId, run.id);
    return run;
  }

  async get(portalId: PortalId, runId: string): Promise<DiscoveryRun> {
    const run = /^\d+$/.test(runId) ? await this.deps.runs.get(portalId, runId) : null;
    if (!run) throw new AppError('not_found', `Discovery run ${runId} does not exist for this portal`);
    return run;
  }

  latest(portalId: PortalId): Promise<DiscoveryRun | null> {
    return this.deps.runs.latest(portalId);
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
    try {
      const { id } = await this.deps.discover(portalId, progress);
      await this.deps.runs.update(portalId, runId, { status: 'succeeded', phase: 'done', reportId: id }, this.deps.now());
    } catch (err) {
      const message = err instanceof AppError ? err.message : `discovery failed: ${err instanceof Error ? err.message : String(err)}`;
      await this.deps.runs.update(portalId, runId, { status: 'failed', error: message }, this.deps.now());
      if (!(err instanceof AppError)) throw err;
    }
  }
}

import type { PortalId } from '../crm/model';
import type { ObjectKind } from '../crm/hubspot-port';

export type SyncRunKind = 'full' | 'incremental' | 'reconcile' | 'rescore' | 'writeback';
export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface SyncProgress {
  readonly phase?: string;
  readonly done: number;
  readonly total?: number | null;
  readonly [counter: string]: unknown;
}

export interface SyncRun {
  readonly id: number;
  readonly portalId: PortalId;
  readonly kind: SyncRunKind;
  readonly status: SyncRunStatus;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly progress: SyncProgress;
  readonly error: string | null;
}

export interface ApiUsage {
  readonly calls: number;
  readonly throttled: number;
  readonly failures: number;
}

export interface SyncStore {
  getCursor(portalId: PortalId, stream: string): Promise<string | null>;
  setCursor(portalId: PortalId, stream: string, cursor: string, now: number): Promise<void>;
  /** Several cursors in one write: saved together or not at all. */
  setCursors(portalId: PortalId, cursors: Readonly<Record<string, string>>, now: number): Promise<void>;
  clearCursor(portalId: PortalId, stream: string): Promise<void>;
  startRun(portalId: PortalId, kind: SyncRunKind, now: number): Promise<SyncRun>;
  updateRun(id: number, progress: SyncProgress): Promise<void>;
  finishRun(id: number, status: Exclude<SyncRunStatus, 'running'>, error: string | null, now: number): Promise<void>;
  /**
   * Runs left `running` by a process that died are marked interrupted: all of them when the one
   * process starts, or a portal's when a job that holds the portal starts.
   */
  interruptRunning(now: number, portalId?: PortalId): Promise<number>;
  /** Every run in progress, any portal (metrics). */
  runningRuns(): Promise<SyncRun[]>;
  /** Every portal's cursor of one stream (metrics: sync lag from the incremental watermark). */
  cursorsOf(stream: string): Promise<{ portalId: PortalId; cursor: string }[]>;
  recentRuns(portalId: PortalId, limit: number): Promise<SyncRun[]>;
  recordApiUsage(portalId: PortalId, minute: number, delta: ApiUsage): Promise<void>;
  apiUsageSince(portalId: PortalId, sinceMinute: number): Promise<ApiUsage>;
}

/** The cursors a portal's syncs keep in the store. */
export const syncCursor = {
  /** When the full sync in progress started (its records count as read from then on). */
  fullState: 'full:state',
  /** Contacts finished and written by the runs before this one of the same full sync (a crash's resume). */
  fullDone: 'full:done',
  full: (kind: ObjectKind) => `full:${kind}`,
  /** Incremental syncs search from here; set once a full sync completes. */
  watermark: (kind: ObjectKind) => `incremental:${kind}`,
};

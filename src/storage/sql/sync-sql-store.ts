import type { Kysely } from 'kysely';
import type { ApiUsage, SyncProgress, SyncRun, SyncRunKind, SyncRunStatus, SyncStore } from '../../sync/sync-store';
import type { Database, Row } from '../database';
import { fromJson, toJson } from './json';

function toRun(row: Row<'sync_runs'>): SyncRun {
  return {
    id: Number(row.id),
    portalId: Number(row.portal_id),
    kind: row.kind as SyncRunKind,
    status: row.status as SyncRunStatus,
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    progress: fromJson<SyncProgress>(row.progress, { done: 0 }),
    error: row.error,
  };
}

export class SyncSqlStore implements SyncStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getCursor(portalId: number, stream: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('sync_cursors')
      .select('cursor')
      .where('portal_id', '=', portalId)
      .where('stream', '=', stream)
      .executeTakeFirst();
    return row?.cursor ?? null;
  }

  async setCursor(portalId: number, stream: string, cursor: string, now: number): Promise<void> {
    await this.db
      .insertInto('sync_cursors')
      .values({ portal_id: portalId, stream, cursor, updated_at: now })
      .onConflict((oc) => oc.columns(['portal_id', 'stream']).doUpdateSet({ cursor, updated_at: now }))
      .execute();
  }

  async setCursors(portalId: number, cursors: Readonly<Record<string, string>>, now: number): Promise<void> {
    const rows = Object.entries(cursors).map(([stream, cursor]) => ({ portal_id: portalId, stream, cursor, updated_at: now }));
    if (rows.length === 0) return;
    await this.db
      .insertInto('sync_cursors')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['portal_id', 'stream'])
          .doUpdateSet((eb) => ({ cursor: eb.ref('excluded.cursor'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }

  async clearCursor(portalId: number, stream: string): Promise<void> {
    await this.db.deleteFrom('sync_cursors').where('portal_id', '=', portalId).where('stream', '=', stream).execute();
  }

  async startRun(portalId: number, kind: SyncRunKind, now: number): Promise<SyncRun> {
    const row = await this.db
      .insertInto('sync_runs')
      .values({
        portal_id: portalId,
        kind,
        status: 'running',
        started_at: now,
        finished_at: null,
        progress: toJson({ done: 0 }),
        error: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRun(row);
  }

  async updateRun(id: number, progress: SyncProgress): Promise<void> {
    await this.db
      .updateTable('sync_runs')
      .set({ progress: toJson(progress) })
      .where('id', '=', id)
      .execute();
  }

  async finishRun(id: number, status: Exclude<SyncRunStatus, 'running'>, error: string | null, now: number): Promise<void> {
    await this.db.updateTable('sync_runs').set({ status, error, finished_at: now }).where('id', '=', id).execute();
  }

  async interruptRunning(now: number, portalId?: number): Promise<number> {
    let q = this.db
      .updateTable('sync_runs')
      .set({ status: 'interrupted', finished_at: now, error: 'the process stopped during the run' })
      .where('status', '=', 'running');
    if (portalId !== undefined) q = q.where('portal_id', '=', portalId);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async runningRuns(): Promise<SyncRun[]> {
    return (await this.db.selectFrom('sync_runs').selectAll().where('status', '=', 'running').orderBy('id').execute()).map(toRun);
  }

  async cursorsOf(stream: string): Promise<{ portalId: number; cursor: string }[]> {
    const rows = await this.db.selectFrom('sync_cursors').select(['portal_id', 'cursor']).where('stream', '=', stream).execute();
    return rows.map((r) => ({ portalId: Number(r.portal_id), cursor: r.cursor }));
  }

  async recentRuns(portalId: number, limit: number): Promise<SyncRun[]> {
    return (
      await this.db.selectFrom('sync_runs').selectAll().where('portal_id', '=', portalId).orderBy('id', 'desc').limit(limit).execute()
    ).map(toRun);
  }

  async recordApiUsage(portalId: number, minute: number, d: ApiUsage): Promise<void> {
    await this.db
      .insertInto('api_usage')
      .values({ portal_id: portalId, minute, calls: d.calls, throttled: d.throttled, failures: d.failures })
      .onConflict((oc) =>
        oc.columns(['portal_id', 'minute']).doUpdateSet((eb) => ({
          calls: eb('api_usage.calls', '+', d.calls),
          throttled: eb('api_usage.throttled', '+', d.throttled),
          failures: eb('api_usage.failures', '+', d.failures),
        })),
      )
      .execute();
  }

  async apiUsageSince(portalId: number, sinceMinute: number): Promise<ApiUsage> {
    const row = await this.db
      .selectFrom('api_usage')
      .select((eb) => [
        eb.fn.sum<number>('calls').as('calls'),
        eb.fn.sum<number>('throttled').as('throttled'),
        eb.fn.sum<number>('failures').as('failures'),
      ])
      .where('portal_id', '=', portalId)
      .where('minute', '>=', sinceMinute)
      .executeTakeFirst();
    return { calls: Number(row?.calls ?? 0), throttled: Number(row?.throttled ?? 0), failures: Number(row?.failures ?? 0) };
  }
}

import type { Kysely, Selectable } from 'kysely';
import type { PortalId } from '../../crm/model';
import type { DiscoveryProgress, DiscoveryRun, DiscoveryRunStatus, DiscoveryRunStore } from '../../insights/discovery-runs';
import type { Database, DiscoveryRunsTable } from '../database';

function toRun(r: Selectable<DiscoveryRunsTable>): DiscoveryRun {
  return {
    id: String(r.id),
    portalId: Number(r.portal_id),
    status: r.status as DiscoveryRunStatus,
    phase: r.phase as DiscoveryProgress['phase'],
    done: Number(r.done),
    total: r.total === null ? null : Number(r.total),
    reportId: r.report_id,
    error: r.error,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export class DiscoveryRunSqlStore implements DiscoveryRunStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(portalId: PortalId, at: number): Promise<DiscoveryRun> {
    const row = await this.db
      .insertInto('discovery_runs')
      .values({ portal_id: portalId, status: 'queued', phase: 'queued', done: 0, total: null, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRun(row);
  }

  async update(
    portalId: PortalId,
    id: string,
    patch: Partial<Pick<DiscoveryRun, 'status' | 'phase' | 'done' | 'total' | 'reportId' | 'error'>>,
    at: number,
  ): Promise<void> {
    await this.db
      .updateTable('discovery_runs')
      .set({
        updated_at: at,
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.phase !== undefined ? { phase: patch.phase } : {}),
        ...(patch.done !== undefined ? { done: patch.done } : {}),
        ...(patch.total !== undefined ? { total: patch.total } : {}),
        ...(patch.reportId !== undefined ? { report_id: patch.reportId } : {}),
        ...(patch.error !== undefined ? { error: patch.error } : {}),
      })
      .where('portal_id', '=', portalId)
      .where('id', '=', Number(id))
      .execute();
  }

  async get(portalId: PortalId, id: string): Promise<DiscoveryRun | null> {
    const row = await this.db
      .selectFrom('discovery_runs')
      .selectAll()
      .where('portal_id', '=', portalId)
      .where('id', '=', Number(id))
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  async latest(portalId: PortalId): Promise<DiscoveryRun | null> {
    const row = await this.db
      .selectFrom('discovery_runs')
      .selectAll()
      .where('portal_id', '=', portalId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }
}

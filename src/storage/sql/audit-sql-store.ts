import type { Kysely } from 'kysely';
import type { AuditEntry, AuditStore } from '../../audit/audit-store';
import type { Database } from '../database';
import { fromJson, toJson } from './json';

export class AuditSqlStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(e: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ portal_id: e.portalId, actor: e.actor, action: e.action, target: e.target, diff: toJson(e.diff), at: e.at })
      .execute();
  }

  async list(portalId: number, options: { limit: number; beforeId?: number }): Promise<(AuditEntry & { id: number })[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('portal_id', '=', portalId);
    if (options.beforeId !== undefined) q = q.where('id', '<', options.beforeId);
    const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      portalId: Number(r.portal_id),
      actor: r.actor,
      action: r.action,
      target: r.target,
      diff: fromJson<unknown>(r.diff, null),
      at: Number(r.at),
    }));
  }
}

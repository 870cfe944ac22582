import type { Kysely } from 'kysely';
import type { RuleSetStatus, RuleSetStore, RuleSetVersion } from '../../personas/rule-set-store';
import type { Database, RuleSetsTable } from '../database';
import { fromJson, toJson } from './json';

function toVersion(row: RuleSetsTable): RuleSetVersion {
  return {
    portalId: Number(row.portal_id),
    version: row.version,
    body: fromJson<unknown>(row.body, null),
    status: row.status as RuleSetStatus,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    note: row.note,
  };
}

export class RuleSetSqlStore implements RuleSetStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(
    portalId: number,
    entry: { body: unknown; status: RuleSetStatus; createdBy: string; note: string | null },
    now: number,
  ): Promise<RuleSetVersion> {
    // Two admins publishing at once: the primary key makes the loser retry with the next number.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (tx) => {
          const max = await tx
            .selectFrom('rule_sets')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('portal_id', '=', portalId)
            .executeTakeFirst();
          const version = Number(max?.v ?? 0) + 1;
          const row = {
            portal_id: portalId,
            version,
            body: toJson(entry.body),
            status: entry.status,
            created_at: now,
            created_by: entry.createdBy,
            note: entry.note,
          };
          await tx.insertInto('rule_sets').values(row).execute();
          return toVersion(row);
        });
      } catch (err) {
        if (attempt >= 4 || !/unique|duplicate|primary key/i.test(String(err))) throw err;
      }
    }
  }

  async live(portalId: number): Promise<RuleSetVersion | null> {
    const row = await this.db
      .selectFrom('rule_sets')
      .selectAll()
      .where('portal_id', '=', portalId)
      .where('status', '=', 'published')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toVersion(row) : null;
  }

  async get(portalId: number, version: number): Promise<RuleSetVersion | null> {
    const row = await this.db
      .selectFrom('rule_sets')
      .selectAll()
      .where('portal_id', '=', portalId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? toVersion(row) : null;
  }

  async list(portalId: number): Promise<RuleSetVersion[]> {
    return (await this.db.selectFrom('rule_sets').selectAll().where('portal_id', '=', portalId).orderBy('version', 'desc').execute()).map(
      toVersion,
    );
  }
}

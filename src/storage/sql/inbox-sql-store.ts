import { sql, type Kysely } from 'kysely';
import type { InboxBacklog, InboxEntry, InboxItem, InboxStore } from '../../webhook-receiver/inbox-store';
import type { Dialect } from '../dialect';
import type { Database, Row } from '../database';
import { fromJson, toJson } from './json';

const MAX_ATTEMPTS = 8;
/** Advisory-lock key space of the inbox's intake (two-int form: the portal is the second key). */
const INBOX_LOCK_SPACE = 0x1b0c;

function toItem(row: Pick<Row<'webhook_inbox'>, 'id' | 'portal_id' | 'dedupe_key' | 'event' | 'occurred_at' | 'attempts'>): InboxItem {
  return {
    id: Number(row.id),
    portalId: Number(row.portal_id),
    dedupeKey: row.dedupe_key,
    event: fromJson<unknown>(row.event, null),
    occurredAt: Number(row.occurred_at),
    attempts: row.attempts,
  };
}

export class InboxSqlStore implements InboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async enqueue(entries: readonly InboxEntry[], now: number): Promise<{ inserted: number; duplicates: number }> {
    if (entries.length === 0) return { inserted: 0, duplicates: 0 };
    // Duplicates inside one batch are collapsed before the insert; duplicates of earlier batches by the unique key.
    const unique = [...new Map(entries.map((e) => [`${e.portalId}|${e.dedupeKey}`, e])).values()];
    if (this.dialect !== 'postgres') return this.insert(this.db, unique, now, entries.length);
    // PostgreSQL's ON CONFLICT DO NOTHING waits on another transaction's uncommitted row for every key
    // two batches share: two web processes taking the same retried events in different orders each
    // waited on the other ("deadlock detected", a 500 at intake). A batch's portals are locked first,
    // in order, so overlapping batches take turns; arrival order (the ids) stays the tie-break the
    // worker applies events in, which sorting the rows instead would have lost.
    const portals = [...new Set(unique.map((e) => e.portalId))].sort((a, b) => a - b);
    return this.db.transaction().execute(async (trx) => {
      for (const portalId of portals)
        await sql`select pg_advisory_xact_lock(${INBOX_LOCK_SPACE}::int, ${portalId % 2_147_483_647}::int)`.execute(trx);
      return this.insert(trx, unique, now, entries.length);
    });
  }

  private async insert(
    db: Kysely<Database>,
    unique: readonly InboxEntry[],
    now: number,
    received: number,
  ): Promise<{ inserted: number; duplicates: number }> {
    const result = await db
      .insertInto('webhook_inbox')
      .values(
        unique.map((e) => ({
          portal_id: e.portalId,
          dedupe_key: e.dedupeKey,
          event: toJson(e.event),
          occurred_at: e.occurredAt,
          received_at: now,
          status: 'pending',
          attempts: 0,
          claimed_at: null,
          last_error: null,
        })),
      )
      .onConflict((oc) => oc.columns(['portal_id', 'dedupe_key']).doNothing())
      .executeTakeFirst();
    const inserted = Number(result.numInsertedOrUpdatedRows ?? 0);
    return { inserted, duplicates: received - inserted };
  }

  async claim(limit: number, now: number, portalId?: number): Promise<InboxItem[]> {
    if (this.dialect === 'postgres') {
      const portal = portalId === undefined ? sql`` : sql`and portal_id = ${portalId}`;
      // SKIP LOCKED lets several workers drain the inbox without ever claiming the same entry.
      const rows = await sql<Row<'webhook_inbox'>>`
        update webhook_inbox set status = 'processing', claimed_at = ${now}, attempts = attempts + 1
        where id in (select id from webhook_inbox where status = 'pending' ${portal} and (claimed_at is null or claimed_at <= ${now})
                     order by id limit ${limit} for update skip locked)
        returning id, portal_id, dedupe_key, event, occurred_at, attempts`.execute(this.db);
      return rows.rows.map(toItem).sort((a, b) => a.id - b.id);
    }
    return this.db.transaction().execute(async (tx) => {
      let q = tx
        .selectFrom('webhook_inbox')
        .select(['id', 'portal_id', 'dedupe_key', 'event', 'occurred_at', 'attempts'])
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<=', now)]));
      if (portalId !== undefined) q = q.where('portal_id', '=', portalId);
      const rows = await q.orderBy('id').limit(limit).execute();
      if (rows.length === 0) return [];
      await tx
        .updateTable('webhook_inbox')
        .set((eb) => ({ status: 'processing', claimed_at: now, attempts: eb('attempts', '+', 1) }))
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.map((r) => toItem({ ...r, attempts: r.attempts + 1 }));
    });
  }

  async complete(ids: readonly number[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('webhook_inbox')
      .set({ status: 'done', claimed_at: now, last_error: null })
      .where('id', 'in', [...ids])
      .execute();
  }

  async fail(id: number, error: string, retry: boolean, retryAt?: number): Promise<void> {
    const row = await this.db.selectFrom('webhook_inbox').select('attempts').where('id', '=', id).executeTakeFirst();
    const giveUp = !retry || (row?.attempts ?? 0) >= MAX_ATTEMPTS;
    // A pending entry has no claim, so its claimed_at carries the earliest retry time instead: no extra column.
    await this.db
      .updateTable('webhook_inbox')
      .set({
        status: giveUp ? 'failed' : 'pending',
        last_error: error.slice(0, 2000),
        ...(retryAt !== undefined && !giveUp ? { claimed_at: retryAt } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async releaseStale(claimedBefore: number): Promise<number> {
    const result = await this.db
      .updateTable('webhook_inbox')
      .set({ status: 'pending' })
      .where('status', '=', 'processing')
      .where('claimed_at', '<', claimedBefore)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async releasePortal(portalId: number): Promise<number> {
    const result = await this.db
      .updateTable('webhook_inbox')
      .set({ status: 'pending' })
      .where('status', '=', 'processing')
      .where('portal_id', '=', portalId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async portalsDue(now: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('webhook_inbox')
      .select('portal_id')
      .distinct()
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<=', now)]))
      .execute();
    return rows.map((r) => Number(r.portal_id));
  }

  async nextDue(portalId: number): Promise<number | null> {
    const row = await this.db
      .selectFrom('webhook_inbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.min('claimed_at').as('due'),
        eb.fn.countAll<number>().filterWhere('claimed_at', 'is', null).as('now'),
      ])
      .where('status', '=', 'pending')
      .where('portal_id', '=', portalId)
      .executeTakeFirst();
    if (!row || Number(row.n) === 0) return null;
    return Number(row.now) > 0 || row.due == null ? 0 : Number(row.due);
  }

  async backlog(portalId?: number): Promise<InboxBacklog> {
    let q = this.db
      .selectFrom('webhook_inbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('received_at').as('oldest')])
      .where('status', 'in', ['pending', 'processing', 'failed']);
    if (portalId !== undefined) q = q.where('portal_id', '=', portalId);
    const rows = await q.groupBy('status').execute();
    const of = (s: string) => rows.find((r) => r.status === s);
    const oldest = of('pending')?.oldest;
    return {
      pending: Number(of('pending')?.n ?? 0),
      processing: Number(of('processing')?.n ?? 0),
      failed: Number(of('failed')?.n ?? 0),
      oldestPendingAt: oldest == null ? null : Number(oldest),
    };
  }

  async purgeDone(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('webhook_inbox')
      .where('status', '=', 'done')
      .where('received_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

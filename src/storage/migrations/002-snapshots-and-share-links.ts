import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Drift reports compare the portal's assignments over time: one row per snapshot, its entries as
 * one JSON document: a snapshot is always read whole, and per-contact rows would multiply a
 * portal's size by the number of nights kept.
 */
export function snapshotsAndShareLinksMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let table = db.schema.createTable('assignment_snapshots');
      table =
        dialect === 'postgres'
          ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('taken_at', big, (c) => c.notNull())
        .addColumn('contacts', 'integer', (c) => c.notNull())
        .addColumn('unassigned', 'integer', (c) => c.notNull())
        .addColumn('entries', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('assignment_snapshots_by_portal').on('assignment_snapshots').columns(['portal_id', 'taken_at']).execute();

      // Revoking a portal's share links invalidates every link issued before this time.
      await db.schema
        .createTable('share_link_revocations')
        .addColumn('portal_id', big, (c) => c.primaryKey())
        .addColumn('revoked_before', big, (c) => c.notNull())
        .execute();
    },
  };
}

import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Discovery runs as a background job: its progress (phase, done of total) lives in the database, so
 * the admin page can poll it whichever process runs the job.
 */
export function discoveryRunsMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let table = db.schema.createTable('discovery_runs');
      table =
        dialect === 'postgres'
          ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('total', 'integer')
        .addColumn('report_id', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('discovery_runs_by_portal').on('discovery_runs').columns(['portal_id', 'id']).execute();
    },
  };
}

import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The buying-committee values last written to each company (`<name>_coverage` and `<name>_gaps`,
 * as sent), so a company is written only when a value differs and a company whose contacts all left
 * is emptied once. The primary key serves both the per-company lookup and the Accounts view's join.
 */
export function companyCoverageMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('company_coverage')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('company_id', 'text', (c) => c.notNull())
        .addColumn('coverage', 'text', (c) => c.notNull())
        .addColumn('gaps', 'text', (c) => c.notNull())
        .addColumn('written_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('company_coverage_pk', ['portal_id', 'company_id'])
        .execute();
    },
  };
}

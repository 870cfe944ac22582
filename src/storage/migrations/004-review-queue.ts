import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The review queue lives on the assignment row: why it is a close call, how close, and whether it
 * is still open. One index serves both the queue's pages (closest first, keyset on margin and
 * contact id) and its size, so neither scans a portal's contacts.
 */
export function reviewQueueMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('assignments').addColumn('review_reason', 'text').execute();
      await db.schema.alterTable('assignments').addColumn('review_margin', 'double precision').execute();
      await db.schema
        .alterTable('assignments')
        .addColumn('review_open', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('assignments_review_queue')
        .on('assignments')
        .columns(['portal_id', 'review_open', 'review_margin', 'contact_id'])
        .execute();
    },
  };
}

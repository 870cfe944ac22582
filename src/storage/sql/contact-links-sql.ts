import type { Kysely } from 'kysely';
import type { Database } from '../database';
import { chunk, inTransaction } from './json';

const IN_CHUNK = 500;
const INSERT_CHUNK = 300;

/**
 * Replaces every link of these contacts to records of one kind, in one transaction: the contacts'
 * rows go, then `insert` writes the new links a part at a time. What a link row holds (and what a
 * repeated one does) is the caller's.
 */
export async function replaceContactLinks<L>(
  db: Kysely<Database>,
  table: 'contact_tickets' | 'contact_companies' | 'contact_surveys',
  portalId: number,
  contactIds: readonly string[],
  links: readonly L[],
  insert: (tx: Kysely<Database>, part: readonly L[]) => Promise<unknown>,
): Promise<void> {
  if (contactIds.length === 0) return;
  await inTransaction(db, async (tx) => {
    for (const ids of chunk(contactIds, IN_CHUNK)) {
      await tx.deleteFrom(table).where('portal_id', '=', portalId).where('contact_id', 'in', ids).execute();
    }
    for (const part of chunk(links, INSERT_CHUNK)) await insert(tx, part);
  });
}

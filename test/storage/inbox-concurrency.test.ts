import { sql } from 'kysely';
import type { Storage } from '../../src/storage/connect';
import { createStores } from '../../src/storage/stores';
import { openPostgresForTest, postgresUrl } from '../support/databases';

const P = 101;
const entry = (i: number) => ({ portalId: P, dedupeKey: `k${String(i).padStart(4, '0')}`, event: { i }, occurredAt: i });

/**
 * HubSpot retries deliveries and several web processes take them at once, so two batches holding
 * the same events in different orders meet in the inbox. PostgreSQL's INSERT … ON CONFLICT DO
 * NOTHING waits on the other transaction's row for every key they share: in opposite orders, each
 * waits on the other and one fails with "deadlock detected", which the intake answered as a 500.
 */
(postgresUrl ? describe : describe.skip)('webhook inbox under concurrent overlapping batches on postgres', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openPostgresForTest();
  });
  afterAll(() => storage.close());

  it('takes the same events in opposite orders at once without a deadlock, each event once', async () => {
    const { inbox } = createStores(storage);
    let expected = 0;
    for (let round = 0; round < 8; round++) {
      const batch = Array.from({ length: 400 }, (_, i) => entry(round * 400 + i));
      const shuffled = [...batch].sort(() => Math.random() - 0.5);
      const results = await Promise.all([inbox.enqueue(batch, 1), inbox.enqueue([...batch].reverse(), 1), inbox.enqueue(shuffled, 1)]);
      expected += batch.length;
      expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(batch.length);
    }
    expect(await countRows(storage)).toBe(expected);
  });
});

async function countRows(storage: Storage): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from webhook_inbox`.execute(storage.db);
  return result.rows[0]!.n;
}

import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { snapshotsAndShareLinksMigration } from '../../src/storage/migrations/002-snapshots-and-share-links';
import { snapshotPersonaCountsMigration } from '../../src/storage/migrations/006-snapshot-persona-counts';

type Snapshots = {
  assignment_snapshots: {
    id: number;
    portal_id: number;
    taken_at: number;
    contacts: number;
    unassigned: number;
    entries: string;
    persona_counts: string | null;
  };
};

describe('migration 006: persona counts of the snapshots already taken', () => {
  it('fills each existing snapshot with its contacts per persona, in order of first appearance, unassigned as null', async () => {
    const db = new Kysely<Snapshots>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await snapshotsAndShareLinksMigration('sqlite').up(db as Kysely<unknown>);
    const entries = (ids: (string | null)[]) =>
      JSON.stringify(ids.map((personaId, i) => ({ contactId: String(i), personaId, score: 1, firedRules: [] })));
    await db
      .insertInto('assignment_snapshots')
      .values([
        { portal_id: 1, taken_at: 10, contacts: 4, unassigned: 1, entries: entries(['b', null, 'a', 'b']) },
        { portal_id: 2, taken_at: 11, contacts: 0, unassigned: 0, entries: entries([]) },
      ] as never)
      .execute();

    await snapshotPersonaCountsMigration('sqlite').up(db as Kysely<unknown>);

    const rows = await db.selectFrom('assignment_snapshots').select(['portal_id', 'persona_counts']).orderBy('id').execute();
    expect(rows.map((r) => [r.portal_id, JSON.parse(r.persona_counts!)])).toEqual([
      [
        1,
        [
          ['b', 2],
          [null, 1],
          ['a', 1],
        ],
      ],
      [2, []],
    ]);
    await db.destroy();
  });
});

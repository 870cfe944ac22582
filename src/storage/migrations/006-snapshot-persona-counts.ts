import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The share-over-time chart needs only each snapshot's contacts per persona, not its per-contact
 * entries: keep those counts beside the entries (JSON `[[personaId | null, contacts], …]`, in order
 * of first appearance) and fill them in for the snapshots already taken.
 */
export function snapshotPersonaCountsMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('assignment_snapshots').addColumn('persona_counts', 'text').execute();
      const snapshots = db as unknown as Kysely<{ assignment_snapshots: { id: number; entries: string; persona_counts: string | null } }>;
      // One snapshot at a time: each holds a whole portal's entries.
      let after = 0;
      for (;;) {
        const next = await snapshots
          .selectFrom('assignment_snapshots')
          .select(['id', 'entries'])
          .where('id', '>', after)
          .orderBy('id')
          .limit(1)
          .executeTakeFirst();
        if (!next) break;
        after = Number(next.id);
        const counts = new Map<string | null, number>();
        for (const entry of JSON.parse(next.entries) as { personaId: string | null }[])
          counts.set(entry.personaId, (counts.get(entry.personaId) ?? 0) + 1);
        await snapshots
          .updateTable('assignment_snapshots')
          .set({ persona_counts: JSON.stringify([...counts]) })
          .where('id', '=', next.id)
          .execute();
      }
    },
  };
}

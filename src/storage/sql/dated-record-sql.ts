import type { Kysely } from 'kysely';
import type { Database, SurveyResponsesTable, TicketsTable } from '../database';
import { chunk, inTransaction, toJson } from './json';

/** A HubSpot record with its creation date, as tickets and survey responses are stored. */
export interface DatedRecord {
  readonly id: string;
  readonly properties: object;
  readonly createdAt: number | null;
  readonly hsUpdatedAt: number;
}

// The two tables have the same columns (this fails to compile the day they differ), so one statement serves both.
const sameColumns: [TicketsTable, SurveyResponsesTable] extends [SurveyResponsesTable, TicketsTable] ? true : never = true;
void sameColumns;

/** Inserts the records, or replaces what is stored of them, in one transaction of 200-row statements. */
export async function upsertDatedRecords(
  db: Kysely<Database>,
  table: 'tickets' | 'survey_responses',
  portalId: number,
  records: readonly DatedRecord[],
  syncedAt: number,
): Promise<void> {
  if (records.length === 0) return;
  await inTransaction(db, async (tx) => {
    for (const part of chunk(records, 200)) {
      await tx
        // Typed as tickets: Kysely cannot type a statement over a union of tables; the columns are the same.
        .insertInto(table as 'tickets')
        .values(
          part.map((r) => ({
            portal_id: portalId,
            id: r.id,
            properties: toJson(r.properties),
            created_at: r.createdAt,
            hs_updated_at: r.hsUpdatedAt,
            synced_at: syncedAt,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['portal_id', 'id']).doUpdateSet((eb) => ({
            properties: eb.ref('excluded.properties'),
            created_at: eb.ref('excluded.created_at'),
            hs_updated_at: eb.ref('excluded.hs_updated_at'),
            synced_at: eb.ref('excluded.synced_at'),
          })),
        )
        .execute();
    }
  });
}

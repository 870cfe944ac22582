import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  AssignmentHistoryEntry,
  AssignmentStore,
  ComputedAssignment,
  ReviewQueueCursor,
  ReviewQueueItem,
  StoredAssignment,
} from '../../personas/assignment-store';
import type { ReviewReason } from '../../personas/review-queue';
import type { ManualOverride, WrittenValues } from '../../personas/writeback';
import type { AssignmentsTable, Database } from '../database';
import { chunk, fromJson, toJson } from './json';

function toStored(row: Selectable<AssignmentsTable>): StoredAssignment {
  return {
    contactId: row.contact_id,
    personaId: row.persona_id,
    score: Number(row.score),
    secondary: fromJson<string[]>(row.secondary, []),
    journeyStage: row.journey_stage,
    explanation: fromJson<unknown>(row.explanation, null),
    ruleSetVersion: row.rule_set_version,
    needsWrite: row.needs_write === 1,
    computedAt: Number(row.computed_at),
    written:
      row.written_persona === null
        ? null
        : { persona: row.written_persona, secondary: row.written_secondary ?? '', score: row.written_score ?? '' },
    writtenAt: row.written_at === null ? null : Number(row.written_at),
    hubspotPersona: row.hubspot_persona,
    override:
      row.override_persona === null ? null : { persona: row.override_persona, by: row.override_by, at: Number(row.override_at ?? 0) },
    review: row.review_reason === null ? null : { reason: row.review_reason as ReviewReason, margin: Number(row.review_margin ?? 0) },
  };
}

export class AssignmentSqlStore implements AssignmentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async saveComputed(
    portalId: number,
    assignments: readonly ComputedAssignment[],
    reason: string,
    now: number,
  ): Promise<{ changed: number }> {
    if (assignments.length === 0) return { changed: 0 };
    return this.db.transaction().execute(async (tx) => {
      let changed = 0;
      for (const part of chunk(assignments, 200)) {
        const previous = new Map(
          (
            await tx
              .selectFrom('assignments')
              .select(['contact_id', 'persona_id'])
              .where('portal_id', '=', portalId)
              .where(
                'contact_id',
                'in',
                part.map((a) => a.contactId),
              )
              .execute()
          ).map((r) => [r.contact_id, r.persona_id]),
        );
        await tx
          .insertInto('assignments')
          .values(
            part.map((a) => ({
              portal_id: portalId,
              contact_id: a.contactId,
              persona_id: a.personaId,
              score: a.score,
              secondary: toJson(a.secondary),
              journey_stage: a.journeyStage,
              explanation: toJson(a.explanation),
              rule_set_version: a.ruleSetVersion,
              computed_at: now,
              written_persona: null,
              written_secondary: null,
              written_score: null,
              written_at: null,
              hubspot_persona: null,
              override_persona: null,
              override_by: null,
              override_at: null,
              needs_write: a.needsWrite ? 1 : 0,
              review_reason: a.review?.reason ?? null,
              review_margin: a.review?.margin ?? null,
              review_open: a.review ? 1 : 0,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['portal_id', 'contact_id']).doUpdateSet((eb) => ({
              persona_id: eb.ref('excluded.persona_id'),
              score: eb.ref('excluded.score'),
              secondary: eb.ref('excluded.secondary'),
              journey_stage: eb.ref('excluded.journey_stage'),
              explanation: eb.ref('excluded.explanation'),
              rule_set_version: eb.ref('excluded.rule_set_version'),
              computed_at: eb.ref('excluded.computed_at'),
              needs_write: eb.ref('excluded.needs_write'),
              review_reason: eb.ref('excluded.review_reason'),
              review_margin: eb.ref('excluded.review_margin'),
              // A decided close call stays closed while the contact stays the same close call; a new
              // reason or a new persona opens it again, and no reason closes it.
              review_open: sql<number>`case when excluded.review_reason is null then 0
              when coalesce(assignments.review_reason, '') <> excluded.review_reason or assignments.persona_id <> excluded.persona_id then 1
              else assignments.review_open end`,
            })),
          )
          .execute();
        const moves = part.filter((a) => previous.get(a.contactId) !== a.personaId);
        changed += moves.length;
        if (moves.length > 0) {
          await tx
            .insertInto('assignment_history')
            .values(
              moves.map((a) => ({
                portal_id: portalId,
                contact_id: a.contactId,
                from_persona: previous.get(a.contactId) ?? null,
                to_persona: a.personaId,
                score: a.score,
                rule_set_version: a.ruleSetVersion,
                reason,
                at: now,
              })),
            )
            .execute();
        }
      }
      return { changed };
    });
  }

  async reviewQueue(portalId: number, options: { after?: ReviewQueueCursor | null; limit: number }): Promise<ReviewQueueItem[]> {
    let q = this.db
      .selectFrom('assignments')
      .select([
        'contact_id',
        'persona_id',
        'score',
        'explanation',
        'computed_at',
        'review_reason',
        'review_margin',
        'override_persona',
        'override_by',
        'override_at',
      ])
      .where('portal_id', '=', portalId)
      .where('review_open', '=', 1);
    const after = options.after;
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('review_margin', '>', after.margin),
          eb.and([eb('review_margin', '=', after.margin), eb('contact_id', '>', after.contactId)]),
        ]),
      );
    }
    const rows = await q.orderBy('review_margin').orderBy('contact_id').limit(options.limit).execute();
    return rows.map((r) => ({
      contactId: r.contact_id,
      personaId: r.persona_id,
      score: Number(r.score),
      computedAt: Number(r.computed_at),
      flag: { reason: (r.review_reason ?? 'changed') as ReviewReason, margin: Number(r.review_margin ?? 0) },
      explanation: fromJson<unknown>(r.explanation, null),
      override: r.override_persona === null ? null : { persona: r.override_persona, by: r.override_by, at: Number(r.override_at ?? 0) },
    }));
  }

  async reviewQueueSize(portalId: number): Promise<number> {
    const row = await this.db
      .selectFrom('assignments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('portal_id', '=', portalId)
      .where('review_open', '=', 1)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async closeReview(portalId: number, contactId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('assignments')
      .set({ review_open: 0 })
      .where('portal_id', '=', portalId)
      .where('contact_id', '=', contactId)
      .where('review_open', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async get(portalId: number, contactId: string): Promise<StoredAssignment | null> {
    const row = await this.db
      .selectFrom('assignments')
      .selectAll()
      .where('portal_id', '=', portalId)
      .where('contact_id', '=', contactId)
      .executeTakeFirst();
    return row ? toStored(row) : null;
  }

  async getMany(portalId: number, contactIds: readonly string[]): Promise<Map<string, StoredAssignment>> {
    const out = new Map<string, StoredAssignment>();
    for (const part of chunk(contactIds, 500)) {
      const rows = await this.db
        .selectFrom('assignments')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('contact_id', 'in', part)
        .execute();
      for (const row of rows) out.set(row.contact_id, toStored(row));
    }
    return out;
  }

  async pendingWrites(portalId: number, afterContactId: string | null, limit: number): Promise<StoredAssignment[]> {
    let q = this.db.selectFrom('assignments').selectAll().where('portal_id', '=', portalId).where('needs_write', '=', 1);
    if (afterContactId !== null) q = q.where('contact_id', '>', afterContactId);
    return (await q.orderBy('contact_id').limit(limit).execute()).map(toStored);
  }

  async pendingWritesByPortal(): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('assignments')
      .select(['portal_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('needs_write', '=', 1)
      .groupBy('portal_id')
      .execute();
    return new Map(rows.map((r) => [Number(r.portal_id), Number(r.n)]));
  }

  async countPendingWrites(portalId: number): Promise<number> {
    const row = await this.db
      .selectFrom('assignments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('portal_id', '=', portalId)
      .where('needs_write', '=', 1)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async markWritten(portalId: number, written: readonly { contactId: string; values: WrittenValues }[], now: number): Promise<void> {
    if (written.length === 0) return;
    // One statement a chunk, each row's values picked by its id: a statement per contact cost more
    // to build and run than the write-back's HubSpot request itself.
    const valueOf = (part: typeof written, pick: (v: WrittenValues) => string) =>
      sql<string>`case contact_id ${sql.join(
        part.map((w) => sql`when ${w.contactId} then ${pick(w.values)}`),
        sql` `,
      )} end`;
    await this.db.transaction().execute(async (tx) => {
      for (const part of chunk(written, 100)) {
        await tx
          .updateTable('assignments')
          .set({
            written_persona: valueOf(part, (v) => v.persona),
            written_secondary: valueOf(part, (v) => v.secondary),
            written_score: valueOf(part, (v) => v.score),
            written_at: now,
            hubspot_persona: valueOf(part, (v) => v.persona),
            needs_write: 0,
          })
          .where('portal_id', '=', portalId)
          .where(
            'contact_id',
            'in',
            part.map((w) => w.contactId),
          )
          .execute();
      }
    });
  }

  async setOverride(portalId: number, contactId: string, override: ManualOverride | null): Promise<void> {
    await this.db
      .updateTable('assignments')
      .set({ override_persona: override?.persona ?? null, override_by: override?.by ?? null, override_at: override?.at ?? null })
      .where('portal_id', '=', portalId)
      .where('contact_id', '=', contactId)
      .execute();
  }

  async setHubspotPersona(portalId: number, contactId: string, value: string | null): Promise<void> {
    await this.db
      .updateTable('assignments')
      .set({ hubspot_persona: value })
      .where('portal_id', '=', portalId)
      .where('contact_id', '=', contactId)
      .execute();
  }

  async distribution(portalId: number): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('assignments')
      .select([sql<string>`coalesce(override_persona, persona_id)`.as('persona'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('portal_id', '=', portalId)
      .groupBy(sql`coalesce(override_persona, persona_id)`)
      .execute();
    // No prototype: a persona id such as `constructor` is looked up like any other.
    const counts = Object.create(null) as Record<string, number>;
    for (const row of rows) counts[row.persona] = Number(row.n);
    return counts;
  }

  async history(portalId: number, options: { contactId?: string; since?: number; limit: number }): Promise<AssignmentHistoryEntry[]> {
    let q = this.db.selectFrom('assignment_history').selectAll().where('portal_id', '=', portalId);
    if (options.contactId !== undefined) q = q.where('contact_id', '=', options.contactId);
    if (options.since !== undefined) q = q.where('at', '>=', options.since);
    const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((r) => ({
      contactId: r.contact_id,
      fromPersona: r.from_persona,
      toPersona: r.to_persona,
      score: Number(r.score),
      ruleSetVersion: r.rule_set_version,
      reason: r.reason,
      at: Number(r.at),
    }));
  }
}

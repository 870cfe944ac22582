import { sql, type Kysely } from 'kysely';
import type { PortalId, PropertyBag } from '../../crm/model';
import {
  type AssignmentSnapshot,
  countPersonas,
  type SnapshotEntry,
  type SnapshotPersonaCounts,
  type SnapshotSummary,
} from '../../insights/drift';
import type { AnalysisContact } from '../../insights/feature-catalogue';
import type {
  AnalysisContactSource,
  AssignmentHistoryReader,
  InsightsReportKind,
  InsightsReportStore,
  PilotResultStore,
  StoredPilotImport,
  StoredReportSummary,
} from '../../insights/insights-ports';
import type { PilotRow } from '../../insights/pilot-import';

import type { CrmStore } from '../../crm/crm-store';
import type { Database } from '../database';
import { chunk, fromJson, toJson } from './json';

const iso = (ms: number) => new Date(ms).toISOString();

export class InsightsReportSqlStore implements InsightsReportStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(
    portalId: PortalId,
    report: { kind: InsightsReportKind; title: string; createdAt: string; body: unknown },
  ): Promise<{ id: string }> {
    const row = await this.db
      .insertInto('reports')
      .values({
        portal_id: portalId,
        kind: report.kind,
        title: report.title,
        body: toJson(report.body),
        created_at: Date.parse(report.createdAt),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: String(row.id) };
  }

  async list(portalId: PortalId, options: { kind?: InsightsReportKind; limit?: number } = {}): Promise<StoredReportSummary[]> {
    let q = this.db.selectFrom('reports').select(['id', 'kind', 'title', 'created_at']).where('portal_id', '=', portalId);
    if (options.kind) q = q.where('kind', '=', options.kind);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      kind: r.kind as InsightsReportKind,
      title: r.title,
      createdAt: iso(Number(r.created_at)),
    }));
  }

  async get(portalId: PortalId, reportId: string): Promise<(StoredReportSummary & { body: unknown }) | null> {
    if (!/^\d+$/.test(reportId)) return null;
    const r = await this.db
      .selectFrom('reports')
      .selectAll()
      .where('portal_id', '=', portalId)
      .where('id', '=', Number(reportId))
      .executeTakeFirst();
    return r
      ? {
          id: String(r.id),
          kind: r.kind as InsightsReportKind,
          title: r.title,
          createdAt: iso(Number(r.created_at)),
          body: fromJson<unknown>(r.body, null),
        }
      : null;
  }
}

export class PilotResultSqlStore implements PilotResultStore {
  constructor(private readonly db: Kysely<Database>) {}

  async replaceImport(portalId: PortalId, pilot: Omit<StoredPilotImport, 'id'>): Promise<{ id: string }> {
    return this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('pilot_results').where('portal_id', '=', portalId).execute();
      const imported = await tx
        .insertInto('pilot_imports')
        .values({ portal_id: portalId, file_name: pilot.fileName, rows: pilot.rows.length, created_at: Date.parse(pilot.importedAt) })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const part of chunk(pilot.rows, 500)) {
        await tx
          .insertInto('pilot_results')
          .values(
            part.map((r) => ({
              import_id: Number(imported.id),
              portal_id: portalId,
              line: r.line,
              contact_id: r.contactId,
              email: r.email,
              variant: r.variant,
              outcome: r.outcome,
              value: r.value,
            })),
          )
          .execute();
      }
      return { id: String(imported.id) };
    });
  }

  async latest(portalId: PortalId): Promise<StoredPilotImport | null> {
    const imported = await this.db
      .selectFrom('pilot_imports')
      .selectAll()
      .where('portal_id', '=', portalId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!imported) return null;
    const rows = await this.db
      .selectFrom('pilot_results')
      .selectAll()
      .where('portal_id', '=', portalId)
      .where('import_id', '=', Number(imported.id))
      .orderBy('line')
      .execute();
    return {
      id: String(imported.id),
      fileName: imported.file_name,
      importedAt: iso(Number(imported.created_at)),
      rows: rows.map((r): PilotRow => ({
        line: r.line,
        contactId: r.contact_id,
        email: r.email,
        variant: r.variant,
        outcome: r.outcome,
        value: r.value === 1 ? 1 : 0,
      })),
    };
  }
}

/** Snapshots of every contact's effective persona, taken after each nightly rescore. */
export class AssignmentSnapshotSqlStore implements AssignmentHistoryReader {
  constructor(private readonly db: Kysely<Database>) {}

  async take(portalId: PortalId, unassignedId: string, now: number): Promise<SnapshotSummary> {
    const entries: SnapshotEntry[] = [];
    let after: string | null = null;
    for (;;) {
      let q = this.db
        .selectFrom('assignments')
        .select(['contact_id', 'score', 'explanation', sql<string>`coalesce(override_persona, persona_id)`.as('persona')])
        .where('portal_id', '=', portalId);
      if (after !== null) q = q.where('contact_id', '>', after);
      const rows = await q.orderBy('contact_id').limit(5000).execute();
      for (const r of rows) {
        const explanation = fromJson<{ firedRules?: { label: string }[] } | null>(r.explanation, null);
        entries.push({
          contactId: r.contact_id,
          personaId: r.persona === unassignedId ? null : r.persona,
          score: Number(r.score),
          firedRules: (explanation?.firedRules ?? []).map((f) => f.label),
        });
      }
      if (rows.length < 5000) break;
      after = rows[rows.length - 1]!.contact_id;
    }
    const unassigned = entries.filter((e) => e.personaId === null).length;
    const row = await this.db
      .insertInto('assignment_snapshots')
      .values({
        portal_id: portalId,
        taken_at: now,
        contacts: entries.length,
        unassigned,
        entries: toJson(entries),
        persona_counts: toJson(countPersonas(entries)),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: String(row.id), takenAt: iso(now), contacts: entries.length, unassigned };
  }

  async listSnapshots(portalId: PortalId, options: { since?: string } = {}): Promise<SnapshotSummary[]> {
    let q = this.db
      .selectFrom('assignment_snapshots')
      .select(['id', 'taken_at', 'contacts', 'unassigned'])
      .where('portal_id', '=', portalId);
    if (options.since) q = q.where('taken_at', '>=', Date.parse(options.since));
    const rows = await q.orderBy('taken_at').orderBy('id').execute();
    return rows.map((r) => ({ id: String(r.id), takenAt: iso(Number(r.taken_at)), contacts: r.contacts, unassigned: r.unassigned }));
  }

  async readSnapshot(portalId: PortalId, snapshotId: string): Promise<AssignmentSnapshot | null> {
    if (!/^\d+$/.test(snapshotId)) return null;
    const r = await this.db
      .selectFrom('assignment_snapshots')
      .selectAll()
      .where('portal_id', '=', portalId)
      .where('id', '=', Number(snapshotId))
      .executeTakeFirst();
    return r ? { id: String(r.id), takenAt: iso(Number(r.taken_at)), entries: fromJson<SnapshotEntry[]>(r.entries, []) } : null;
  }

  async personaCounts(portalId: PortalId, snapshotIds: readonly string[]): Promise<SnapshotPersonaCounts[]> {
    const ids = snapshotIds.filter((id) => /^\d+$/.test(id)).map(Number);
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('assignment_snapshots')
      .select(['id', 'taken_at', 'contacts', 'persona_counts'])
      .where('portal_id', '=', portalId)
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    return snapshotIds.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      return [
        { id, takenAt: iso(Number(r.taken_at)), contacts: r.contacts, personas: fromJson<[string | null, number][]>(r.persona_counts, []) },
      ];
    });
  }

  /** Keeps drift reports possible without keeping every night forever. */
  async purgeBefore(portalId: PortalId, before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('assignment_snapshots')
      .where('portal_id', '=', portalId)
      .where('taken_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Contacts with tickets and effective persona, streamed for clustering and pilot analysis. */
export class AnalysisContactSqlSource implements AnalysisContactSource {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly crm: CrmStore,
  ) {}

  async countForAnalysis(portalId: PortalId): Promise<number> {
    const row = await this.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('portal_id', '=', portalId)
      .where('archived', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async *streamForAnalysis(portalId: PortalId): AsyncIterable<AnalysisContact> {
    for await (const batch of this.crm.streamContactsWithTickets(portalId, { batchSize: 2000 })) {
      const personas = new Map(
        (
          await this.db
            .selectFrom('assignments')
            .select(['contact_id', sql<string>`coalesce(override_persona, persona_id)`.as('persona')])
            .where('portal_id', '=', portalId)
            .where(
              'contact_id',
              'in',
              batch.map((b) => b.contact.id),
            )
            .execute()
        ).map((r) => [r.contact_id, r.persona]),
      );
      for (const { contact, tickets, company, surveys } of batch) {
        yield {
          id: contact.id,
          ...(contact.email ? { email: contact.email } : {}),
          properties: contact.properties,
          tickets: tickets.map((t) => ({ properties: t.properties as PropertyBag })),
          company: company ? { properties: company.properties } : null,
          surveys: (surveys ?? []).map((r) => ({ properties: r.properties })),
          personaId: personas.get(contact.id) ?? null,
        };
      }
    }
  }
}

import { sql, type Kysely } from 'kysely';
import type { PropertyBag } from '../../crm/model';
import type { CompanyContactPersona, CompanyListOptions, CompanySummary, WrittenCoverage } from '../../crm/crm-store';
import type { Database } from '../database';
import type { Dialect } from '../dialect';
import { chunk, fromJson } from './json';

/** The buying committee's SQL behind CrmSqlStore: contacts of companies with their effective persona, written values, the Accounts list. */

const IN_CHUNK = 500;

/** The effective persona: a non-empty manual value first, else the computed one (null without an assignment). */
const effectivePersona = sql<string | null>`coalesce(nullif(trim(a.override_persona), ''), a.persona_id)`;

export async function contactPersonasOfCompanies(
  db: Kysely<Database>,
  portalId: number,
  companyIds: readonly string[],
): Promise<Map<string, CompanyContactPersona[]>> {
  const out = new Map<string, CompanyContactPersona[]>(companyIds.map((id) => [id, []]));
  // Two index-driven reads (the links by company, then those contacts by primary key) rather than
  // one join: right after a bulk load PostgreSQL's statistics are stale and it would drive the join
  // from every contact of the portal.
  for (const part of chunk([...new Set(companyIds)], IN_CHUNK)) {
    const links = await db
      .selectFrom('contact_companies')
      .select(['company_id', 'contact_id', 'is_primary'])
      .where('portal_id', '=', portalId)
      .where('company_id', 'in', part)
      .execute();
    const personas = new Map<string, string | null>();
    for (const ids of chunk([...new Set(links.map((l) => l.contact_id))], IN_CHUNK)) {
      const rows = await db
        .selectFrom('contacts as c')
        .leftJoin('assignments as a', (j) => j.onRef('a.portal_id', '=', 'c.portal_id').onRef('a.contact_id', '=', 'c.id'))
        .select(['c.id', effectivePersona.as('persona')])
        .where('c.portal_id', '=', portalId)
        .where('c.id', 'in', ids)
        .where('c.archived', '=', 0)
        .execute();
      for (const row of rows) personas.set(row.id, row.persona);
    }
    for (const link of links) {
      if (!personas.has(link.contact_id)) continue; // archived or not stored
      out.get(link.company_id)?.push({
        contactId: link.contact_id,
        personaId: personas.get(link.contact_id) ?? null,
        primary: Number(link.is_primary) === 1,
      });
    }
  }
  for (const list of out.values()) list.sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
  return out;
}

/** The same for every company with an id in (after, through]: a full recompute reads the portal a range at a time, with no id list. */
export async function contactPersonasOfCompanyRange(
  db: Kysely<Database>,
  portalId: number,
  range: { after: string | null; through: string },
): Promise<Map<string, CompanyContactPersona[]>> {
  const rows = await db
    .selectFrom('contact_companies as cc')
    .innerJoin('contacts as c', (j) =>
      j.onRef('c.portal_id', '=', 'cc.portal_id').onRef('c.id', '=', 'cc.contact_id').on('c.archived', '=', 0),
    )
    .leftJoin('assignments as a', (j) => j.onRef('a.portal_id', '=', 'cc.portal_id').onRef('a.contact_id', '=', 'cc.contact_id'))
    .select(['cc.company_id', 'cc.contact_id', 'cc.is_primary', effectivePersona.as('persona')])
    .where('cc.portal_id', '=', portalId)
    .where('cc.company_id', '>', range.after ?? '')
    .where('cc.company_id', '<=', range.through)
    .execute();
  const out = new Map<string, CompanyContactPersona[]>();
  for (const row of rows) {
    const list = out.get(row.company_id) ?? [];
    list.push({ contactId: row.contact_id, personaId: row.persona, primary: Number(row.is_primary) === 1 });
    out.set(row.company_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
  return out;
}

export async function companyIdsOfContacts(db: Kysely<Database>, portalId: number, contactIds: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const part of chunk(contactIds, IN_CHUNK)) {
    const rows = await db
      .selectFrom('contact_companies')
      .select('company_id')
      .where('portal_id', '=', portalId)
      .where('contact_id', 'in', part)
      .execute();
    for (const r of rows) out.add(r.company_id);
  }
  return [...out].sort();
}

export async function companyIdsForCoverage(
  db: Kysely<Database>,
  portalId: number,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const after = afterId ?? '';
  // Each side is cut to `limit` on its own index before the union: a union of everything after the
  // cursor would sort the rest of the portal on every page (quadratic over a full recompute).
  const page = (table: 'contact_companies' | 'company_coverage', alias: string) =>
    db
      .selectFrom(
        db
          .selectFrom(table)
          .select('company_id')
          .distinct()
          .where('portal_id', '=', portalId)
          .where('company_id', '>', after)
          .orderBy('company_id')
          .limit(limit)
          .as(alias),
      )
      .select(`${alias}.company_id` as 'company_id');
  const rows = await db
    .selectFrom(page('contact_companies', 'l').union(page('company_coverage', 'w')).as('u'))
    .select('u.company_id')
    .orderBy('u.company_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.company_id);
}

export async function writtenCoverage(
  db: Kysely<Database>,
  portalId: number,
  companyIds: readonly string[],
): Promise<Map<string, WrittenCoverage>> {
  const out = new Map<string, WrittenCoverage>();
  for (const part of chunk([...new Set(companyIds)], IN_CHUNK)) {
    const rows = await db
      .selectFrom('company_coverage')
      .select(['company_id', 'coverage', 'gaps'])
      .where('portal_id', '=', portalId)
      .where('company_id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.company_id, { coverage: r.coverage, gaps: r.gaps });
  }
  return out;
}

export async function markCoverageWritten(
  db: Kysely<Database>,
  portalId: number,
  written: readonly { companyId: string; values: WrittenCoverage }[],
  at: number,
): Promise<void> {
  if (written.length === 0) return;
  await db.transaction().execute(async (tx) => {
    for (const part of chunk(written, 200)) {
      await tx
        .insertInto('company_coverage')
        .values(
          part.map((w) => ({
            portal_id: portalId,
            company_id: w.companyId,
            coverage: w.values.coverage,
            gaps: w.values.gaps,
            written_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['portal_id', 'company_id']).doUpdateSet((eb) => ({
            coverage: eb.ref('excluded.coverage'),
            gaps: eb.ref('excluded.gaps'),
            written_at: eb.ref('excluded.written_at'),
          })),
        )
        .execute();
    }
  });
}

/** `_` is a LIKE wildcard and persona ids may contain it. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listCompanies(
  db: Kysely<Database>,
  dialect: Dialect,
  portalId: number,
  options: CompanyListOptions,
): Promise<{ companies: CompanySummary[]; total: number }> {
  const sizes = db
    .selectFrom('contact_companies as cc')
    .innerJoin('contacts as ct', (j) =>
      j.onRef('ct.portal_id', '=', 'cc.portal_id').onRef('ct.id', '=', 'cc.contact_id').on('ct.archived', '=', 0),
    )
    .select(['cc.company_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('cc.portal_id', '=', portalId)
    .groupBy('cc.company_id');
  let base = db
    .selectFrom('companies as c')
    .leftJoin(sizes.as('s'), 's.company_id', 'c.id')
    .leftJoin('company_coverage as cv', (j) => j.onRef('cv.portal_id', '=', 'c.portal_id').onRef('cv.company_id', '=', 'c.id'))
    .where('c.portal_id', '=', portalId);
  if (options.gap !== undefined) {
    const pattern = `%;${likeLiteral(options.gap)};%`;
    base = base.where(sql<boolean>`(';' || cv.gaps || ';') like ${pattern} escape '\\'`);
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const name =
    dialect === 'postgres'
      ? sql<string | null>`(c.properties::jsonb ->> 'name')`
      : sql<string | null>`json_extract(c.properties, '$.name')`;
  let q = base.select(['c.id', 'c.properties', sql<number>`coalesce(s.n, 0)`.as('contacts'), 'cv.coverage', 'cv.gaps']);
  q =
    options.sort === 'size'
      ? q.orderBy(sql`coalesce(s.n, 0)`, 'desc').orderBy('c.id')
      : q.orderBy(sql`lower(coalesce(${name}, ''))`).orderBy('c.id');
  const rows = await q.limit(options.limit).offset(options.offset).execute();
  return {
    total,
    companies: rows.map((r) => {
      const properties = fromJson<PropertyBag>(r.properties, {});
      return {
        id: r.id,
        name: properties.name?.trim() || null,
        domain: properties.domain?.trim() || null,
        contacts: Number(r.contacts),
        written: r.coverage === null || r.gaps === null ? null : { coverage: r.coverage, gaps: r.gaps },
      };
    }),
  };
}

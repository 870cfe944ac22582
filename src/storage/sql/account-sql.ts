import { sql, type Kysely } from 'kysely';
import type { PropertyBag } from '../../crm/model';
import type { ContactCompanyLink, ContactSurveyLink, StoredCompany, StoredSurvey, SurveyQuote } from '../../crm/crm-store';
import type { Database } from '../database';
import { replaceContactLinks } from './contact-links-sql';
import { chunk, fromJson, toJson, inTransaction } from './json';

/** Companies and survey responses with their contact links: the SQL behind CrmSqlStore's account methods. */

const IN_CHUNK = 500;

export async function upsertCompanies(
  db: Kysely<Database>,
  portalId: number,
  companies: readonly StoredCompany[],
  syncedAt: number,
): Promise<void> {
  if (companies.length === 0) return;
  await inTransaction(db, async (tx) => {
    for (const part of chunk(companies, 200)) {
      await tx
        .insertInto('companies')
        .values(
          part.map((c) => ({
            portal_id: portalId,
            id: c.id,
            properties: toJson(c.properties),
            hs_updated_at: c.hsUpdatedAt,
            synced_at: syncedAt,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['portal_id', 'id']).doUpdateSet((eb) => ({
            properties: eb.ref('excluded.properties'),
            hs_updated_at: eb.ref('excluded.hs_updated_at'),
            synced_at: eb.ref('excluded.synced_at'),
          })),
        )
        .execute();
    }
  });
}

export function replaceContactCompanies(
  db: Kysely<Database>,
  portalId: number,
  contactIds: readonly string[],
  links: readonly ContactCompanyLink[],
): Promise<void> {
  return replaceContactLinks(db, 'contact_companies', portalId, contactIds, links, (tx, part) =>
    tx
      .insertInto('contact_companies')
      .values(part.map((l) => ({ portal_id: portalId, contact_id: l.contactId, company_id: l.companyId, is_primary: l.primary ? 1 : 0 })))
      .onConflict((oc) =>
        oc.columns(['portal_id', 'contact_id', 'company_id']).doUpdateSet((eb) => ({ is_primary: eb.ref('excluded.is_primary') })),
      )
      .execute(),
  );
}

export function replaceContactSurveys(
  db: Kysely<Database>,
  portalId: number,
  contactIds: readonly string[],
  links: readonly ContactSurveyLink[],
): Promise<void> {
  return replaceContactLinks(db, 'contact_surveys', portalId, contactIds, links, (tx, part) =>
    tx
      .insertInto('contact_surveys')
      .values(part.map((l) => ({ portal_id: portalId, contact_id: l.contactId, survey_id: l.surveyId })))
      .onConflict((oc) => oc.doNothing())
      .execute(),
  );
}

/** One stored company, or null when the app has not synced it. */
export async function getCompany(db: Kysely<Database>, portalId: number, id: string): Promise<StoredCompany | null> {
  const row = await db
    .selectFrom('companies')
    .select(['id', 'properties', 'hs_updated_at'])
    .where('portal_id', '=', portalId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { id: row.id, properties: fromJson<PropertyBag>(row.properties, {}), hsUpdatedAt: Number(row.hs_updated_at) } : null;
}

export async function idsSyncedSince(
  db: Kysely<Database>,
  table: 'companies' | 'survey_responses',
  portalId: number,
  ids: readonly string[],
  since: number,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk(ids, IN_CHUNK)) {
    const rows = await db
      .selectFrom(table)
      .select('id')
      .where('portal_id', '=', portalId)
      .where('id', 'in', part)
      .where('synced_at', '>=', since)
      .execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

export async function contactIdsOfCompanies(
  db: Kysely<Database>,
  portalId: number,
  companyIds: readonly string[],
  primaryOnly: boolean,
): Promise<string[]> {
  const out = new Set<string>();
  for (const part of chunk(companyIds, IN_CHUNK)) {
    let q = db.selectFrom('contact_companies').select('contact_id').where('portal_id', '=', portalId).where('company_id', 'in', part);
    if (primaryOnly) q = q.where('is_primary', '=', 1);
    for (const r of await q.execute()) out.add(r.contact_id);
  }
  return [...out].sort();
}

export async function deleteCompanies(db: Kysely<Database>, portalId: number, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await inTransaction(db, async (tx) => {
    for (const part of chunk(ids, IN_CHUNK)) {
      await tx.deleteFrom('companies').where('portal_id', '=', portalId).where('id', 'in', part).execute();
      await tx.deleteFrom('contact_companies').where('portal_id', '=', portalId).where('company_id', 'in', part).execute();
      // A deleted company has nothing left to write to.
      await tx.deleteFrom('company_coverage').where('portal_id', '=', portalId).where('company_id', 'in', part).execute();
    }
  });
}

/** Removes the account links of purged contacts (their companies and responses stay: others may share them). */
export async function unlinkContacts(tx: Kysely<Database>, portalId: number, contactIds: readonly string[]): Promise<void> {
  await tx.deleteFrom('contact_companies').where('portal_id', '=', portalId).where('contact_id', 'in', contactIds).execute();
  await tx.deleteFrom('contact_surveys').where('portal_id', '=', portalId).where('contact_id', 'in', contactIds).execute();
}

/** Each contact's primary company (when stored) and survey responses, newest first. */
export async function accountsOf(
  db: Kysely<Database>,
  portalId: number,
  contactIds: readonly string[],
): Promise<{ companies: Map<string, StoredCompany>; surveys: Map<string, StoredSurvey[]> }> {
  const companies = new Map<string, StoredCompany>();
  const surveys = new Map<string, StoredSurvey[]>();
  for (const part of chunk(contactIds, IN_CHUNK)) {
    const companyRows = await db
      .selectFrom('contact_companies as cc')
      .innerJoin('companies as c', (j) => j.onRef('c.portal_id', '=', 'cc.portal_id').onRef('c.id', '=', 'cc.company_id'))
      .select(['cc.contact_id', 'c.id', 'c.properties', 'c.hs_updated_at'])
      .where('cc.portal_id', '=', portalId)
      .where('cc.contact_id', 'in', part)
      .where('cc.is_primary', '=', 1)
      .execute();
    for (const row of companyRows) {
      companies.set(row.contact_id, {
        id: row.id,
        properties: fromJson<PropertyBag>(row.properties, {}),
        hsUpdatedAt: Number(row.hs_updated_at),
      });
    }
    const surveyRows = await db
      .selectFrom('contact_surveys as cs')
      .innerJoin('survey_responses as s', (j) => j.onRef('s.portal_id', '=', 'cs.portal_id').onRef('s.id', '=', 'cs.survey_id'))
      .select(['cs.contact_id', 's.id', 's.properties', 's.created_at', 's.hs_updated_at'])
      .where('cs.portal_id', '=', portalId)
      .where('cs.contact_id', 'in', part)
      .orderBy('cs.contact_id')
      .orderBy('cs.survey_id')
      .execute();
    for (const row of surveyRows) {
      const list = surveys.get(row.contact_id) ?? [];
      list.push({
        id: row.id,
        properties: fromJson<PropertyBag>(row.properties, {}),
        createdAt: row.created_at === null ? null : Number(row.created_at),
        hsUpdatedAt: Number(row.hs_updated_at),
      });
      surveys.set(row.contact_id, list);
    }
  }
  for (const list of surveys.values())
    list.sort((a, b) => (b.createdAt ?? -Infinity) - (a.createdAt ?? -Infinity) || a.id.localeCompare(b.id));
  return { companies, surveys };
}

/**
 * Newest survey comments of the contacts whose effective persona is `personaId`. Responses without a
 * comment are skipped, so a window of recent responses is read and filtered until `limit` are found.
 */
export async function recentSurveyComments(
  db: Kysely<Database>,
  portalId: number,
  personaId: string,
  limit: number,
): Promise<SurveyQuote[]> {
  const out: SurveyQuote[] = [];
  const window = Math.max(50, limit * 10);
  for (let offset = 0; out.length < limit; offset += window) {
    const rows = await db
      .selectFrom('contact_surveys as cs')
      .innerJoin('survey_responses as s', (j) => j.onRef('s.portal_id', '=', 'cs.portal_id').onRef('s.id', '=', 'cs.survey_id'))
      .innerJoin('assignments as a', (j) => j.onRef('a.portal_id', '=', 'cs.portal_id').onRef('a.contact_id', '=', 'cs.contact_id'))
      .select(['cs.contact_id', 's.id', 's.properties', 's.created_at'])
      .where('cs.portal_id', '=', portalId)
      .where(sql<string>`coalesce(a.override_persona, a.persona_id)`, '=', personaId)
      .orderBy(sql`coalesce(s.created_at, -1)`, 'desc')
      .orderBy('s.id')
      .limit(window)
      .offset(offset)
      .execute();
    for (const row of rows) {
      const properties = fromJson<PropertyBag>(row.properties, {});
      const comment = properties.hs_content?.trim();
      if (!comment) continue;
      const score = Number(properties.hs_value?.trim() || Number.NaN);
      out.push({
        contactId: row.contact_id,
        surveyId: row.id,
        comment,
        type: properties.hs_survey_type?.trim() || null,
        score: Number.isFinite(score) ? score : null,
        createdAt: row.created_at === null ? null : Number(row.created_at),
      });
      if (out.length === limit) break;
    }
    if (rows.length < window) break;
  }
  return out;
}

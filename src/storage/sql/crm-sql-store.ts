import type { Dialect } from '../dialect';
import type { Kysely } from 'kysely';
import type {
  ContactCompanyLink,
  ContactSurveyLink,
  ContactTicketLink,
  CompanyContactPersona,
  CompanyListOptions,
  CompanySummary,
  ContactWithStoredTickets,
  CrmCounts,
  CrmStore,
  StoredCompany,
  StoredContact,
  StoredSurvey,
  StoredTicket,
  SurveyQuote,
  WrittenCoverage,
} from '../../crm/crm-store';
import * as accounts from './account-sql';
import { upsertDatedRecords } from './dated-record-sql';
import * as committee from './committee-sql';
import * as ticketSql from './ticket-sql';
import * as contactSql from './contact-sql';
import { toContact } from './contact-sql';
import type { Database } from '../database';
import { chunk, toJson, inTransaction } from './json';

const IN_CHUNK = 500;

/** The CRM store port over SQL: contacts live here; tickets, accounts (companies, surveys) and the committee delegate to their *-sql.ts files. */
export class CrmSqlStore implements CrmStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  transaction<T>(work: (crm: CrmStore) => Promise<T>): Promise<T> {
    return inTransaction(this.db, (tx) => work(tx === this.db ? this : new CrmSqlStore(tx, this.dialect)));
  }

  async upsertContacts(portalId: number, contacts: readonly StoredContact[], syncedAt: number): Promise<void> {
    if (contacts.length === 0) return;
    await inTransaction(this.db, async (tx) => {
      for (const part of chunk(contacts, 200)) {
        await tx
          .insertInto('contacts')
          .values(
            part.map((c) => ({
              portal_id: portalId,
              id: c.id,
              email: c.email?.toLowerCase() ?? null,
              properties: toJson(c.properties),
              hs_updated_at: c.hsUpdatedAt,
              archived: c.archived ? 1 : 0,
              synced_at: syncedAt,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['portal_id', 'id']).doUpdateSet((eb) => ({
              email: eb.ref('excluded.email'),
              properties: eb.ref('excluded.properties'),
              hs_updated_at: eb.ref('excluded.hs_updated_at'),
              archived: eb.ref('excluded.archived'),
              synced_at: eb.ref('excluded.synced_at'),
            })),
          )
          .execute();
      }
    });
  }

  upsertTickets(portalId: number, tickets: readonly StoredTicket[], syncedAt: number): Promise<void> {
    return upsertDatedRecords(this.db, 'tickets', portalId, tickets, syncedAt);
  }

  replaceContactTickets(portalId: number, contactIds: readonly string[], links: readonly ContactTicketLink[]): Promise<void> {
    return ticketSql.replaceContactTickets(this.db, portalId, contactIds, links);
  }

  link(portalId: number, links: readonly ContactTicketLink[]): Promise<void> {
    return ticketSql.link(this.db, portalId, links);
  }

  unlink(portalId: number, links: readonly ContactTicketLink[]): Promise<void> {
    return ticketSql.unlink(this.db, portalId, links);
  }

  upsertCompanies(portalId: number, companies: readonly StoredCompany[], syncedAt: number): Promise<void> {
    return accounts.upsertCompanies(this.db, portalId, companies, syncedAt);
  }

  replaceContactCompanies(portalId: number, contactIds: readonly string[], links: readonly ContactCompanyLink[]): Promise<void> {
    return accounts.replaceContactCompanies(this.db, portalId, contactIds, links);
  }

  getCompany(portalId: number, id: string): Promise<StoredCompany | null> {
    return accounts.getCompany(this.db, portalId, id);
  }

  companyIdsSyncedSince(portalId: number, ids: readonly string[], since: number): Promise<Set<string>> {
    return accounts.idsSyncedSince(this.db, 'companies', portalId, ids, since);
  }

  contactIdsOfCompanies(portalId: number, companyIds: readonly string[], options: { primaryOnly: boolean }): Promise<string[]> {
    return accounts.contactIdsOfCompanies(this.db, portalId, companyIds, options.primaryOnly);
  }

  deleteCompanies(portalId: number, ids: readonly string[]): Promise<void> {
    return accounts.deleteCompanies(this.db, portalId, ids);
  }

  contactPersonasOfCompanies(portalId: number, companyIds: readonly string[]): Promise<Map<string, CompanyContactPersona[]>> {
    return committee.contactPersonasOfCompanies(this.db, portalId, companyIds);
  }

  contactPersonasOfCompanyRange(
    portalId: number,
    range: { after: string | null; through: string },
  ): Promise<Map<string, CompanyContactPersona[]>> {
    return committee.contactPersonasOfCompanyRange(this.db, portalId, range);
  }

  companyIdsOfContacts(portalId: number, contactIds: readonly string[]): Promise<string[]> {
    return committee.companyIdsOfContacts(this.db, portalId, contactIds);
  }

  companyIdsForCoverage(portalId: number, afterId: string | null, limit: number): Promise<string[]> {
    return committee.companyIdsForCoverage(this.db, portalId, afterId, limit);
  }

  listCompanies(portalId: number, options: CompanyListOptions): Promise<{ companies: CompanySummary[]; total: number }> {
    return committee.listCompanies(this.db, this.dialect, portalId, options);
  }

  writtenCoverage(portalId: number, companyIds: readonly string[]): Promise<Map<string, WrittenCoverage>> {
    return committee.writtenCoverage(this.db, portalId, companyIds);
  }

  markCoverageWritten(portalId: number, written: readonly { companyId: string; values: WrittenCoverage }[], at: number): Promise<void> {
    return committee.markCoverageWritten(this.db, portalId, written, at);
  }

  upsertSurveys(portalId: number, surveys: readonly StoredSurvey[], syncedAt: number): Promise<void> {
    return upsertDatedRecords(this.db, 'survey_responses', portalId, surveys, syncedAt);
  }

  replaceContactSurveys(portalId: number, contactIds: readonly string[], links: readonly ContactSurveyLink[]): Promise<void> {
    return accounts.replaceContactSurveys(this.db, portalId, contactIds, links);
  }

  surveyIdsSyncedSince(portalId: number, ids: readonly string[], since: number): Promise<Set<string>> {
    return accounts.idsSyncedSince(this.db, 'survey_responses', portalId, ids, since);
  }

  recentSurveyComments(portalId: number, personaId: string, limit: number): Promise<SurveyQuote[]> {
    return accounts.recentSurveyComments(this.db, portalId, personaId, limit);
  }

  async getContact(portalId: number, id: string): Promise<StoredContact | null> {
    const row = await this.db.selectFrom('contacts').selectAll().where('portal_id', '=', portalId).where('id', '=', id).executeTakeFirst();
    return row ? toContact(row) : null;
  }

  async getContacts(portalId: number, ids: readonly string[]): Promise<Map<string, StoredContact>> {
    const out = new Map<string, StoredContact>();
    for (const part of chunk(ids, IN_CHUNK)) {
      const rows = await this.db.selectFrom('contacts').selectAll().where('portal_id', '=', portalId).where('id', 'in', part).execute();
      for (const row of rows) out.set(row.id, toContact(row));
    }
    return out;
  }

  async getContactsWithTickets(portalId: number, ids: readonly string[]): Promise<Map<string, ContactWithStoredTickets>> {
    const out = new Map<string, ContactWithStoredTickets>();
    for (const part of chunk(ids, IN_CHUNK)) {
      const rows = await this.db.selectFrom('contacts').selectAll().where('portal_id', '=', portalId).where('id', 'in', part).execute();
      const ticketLists = await ticketSql.ticketsOf(
        this.db,
        portalId,
        rows.map((r) => r.id),
      );
      const related = await accounts.accountsOf(
        this.db,
        portalId,
        rows.map((r) => r.id),
      );
      for (const row of rows) {
        out.set(row.id, {
          contact: toContact(row),
          tickets: ticketLists.get(row.id) ?? [],
          company: related.companies.get(row.id) ?? null,
          surveys: related.surveys.get(row.id) ?? [],
        });
      }
    }
    return out;
  }

  async *streamContactsWithTickets(
    portalId: number,
    options: { batchSize?: number; afterId?: string } = {},
  ): AsyncIterable<ContactWithStoredTickets[]> {
    const batchSize = options.batchSize ?? 1000;
    let after = options.afterId ?? null;
    for (;;) {
      let q = this.db.selectFrom('contacts').selectAll().where('portal_id', '=', portalId).where('archived', '=', 0);
      if (after !== null) q = q.where('id', '>', after);
      const rows = await q.orderBy('id').limit(batchSize).execute();
      if (rows.length === 0) return;
      const ticketLists = await ticketSql.ticketsOf(
        this.db,
        portalId,
        rows.map((r) => r.id),
      );
      const related = await accounts.accountsOf(
        this.db,
        portalId,
        rows.map((r) => r.id),
      );
      yield rows.map((row) => ({
        contact: toContact(row),
        tickets: ticketLists.get(row.id) ?? [],
        company: related.companies.get(row.id) ?? null,
        surveys: related.surveys.get(row.id) ?? [],
      }));
      after = rows[rows.length - 1]!.id;
      if (rows.length < batchSize) return;
    }
  }

  contactIdsOfTicket(portalId: number, ticketId: string): Promise<string[]> {
    return ticketSql.contactIdsOfTicket(this.db, portalId, ticketId);
  }

  ticketIdsSyncedSince(portalId: number, ids: readonly string[], since: number): Promise<Set<string>> {
    return ticketSql.ticketIdsSyncedSince(this.db, portalId, ids, since);
  }

  async listContactIds(portalId: number, afterId: string | null, limit: number): Promise<string[]> {
    let q = this.db.selectFrom('contacts').select('id').where('portal_id', '=', portalId);
    if (afterId !== null) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
  }

  listTicketIds(portalId: number, afterId: string | null, limit: number): Promise<string[]> {
    return ticketSql.listTicketIds(this.db, portalId, afterId, limit);
  }

  searchContacts(portalId: number, query: string, limit: number): Promise<StoredContact[]> {
    return contactSql.searchContacts(this.db, this.dialect, portalId, query, limit);
  }

  async findContactIdsByEmail(portalId: number, emails: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const part of chunk(
      emails.map((e) => e.trim().toLowerCase()),
      IN_CHUNK,
    )) {
      const rows = await this.db
        .selectFrom('contacts')
        .select(['id', 'email'])
        .where('portal_id', '=', portalId)
        .where('email', 'in', part)
        .execute();
      for (const row of rows) if (row.email) out.set(row.email, row.id);
    }
    return out;
  }

  async purgeContacts(portalId: number, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await inTransaction(this.db, async (tx) => {
      for (const part of chunk(ids, IN_CHUNK)) {
        await tx.deleteFrom('contacts').where('portal_id', '=', portalId).where('id', 'in', part).execute();
        await tx.deleteFrom('contact_tickets').where('portal_id', '=', portalId).where('contact_id', 'in', part).execute();
        await accounts.unlinkContacts(tx, portalId, part);
        await tx.deleteFrom('assignments').where('portal_id', '=', portalId).where('contact_id', 'in', part).execute();
        await tx.deleteFrom('assignment_history').where('portal_id', '=', portalId).where('contact_id', 'in', part).execute();
        await tx.deleteFrom('pilot_results').where('portal_id', '=', portalId).where('contact_id', 'in', part).execute();
        await tx
          .deleteFrom('audit_log')
          .where('portal_id', '=', portalId)
          .where(
            'target',
            'in',
            part.map((id) => `contact:${id}`),
          )
          .execute();
      }
    });
  }

  deleteTickets(portalId: number, ids: readonly string[]): Promise<void> {
    return ticketSql.deleteTickets(this.db, portalId, ids);
  }

  async counts(portalId: number): Promise<CrmCounts> {
    const count = async (table: 'contacts' | 'tickets' | 'contact_tickets' | 'companies' | 'survey_responses') =>
      Number(
        (
          await this.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('portal_id', '=', portalId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      contacts: await count('contacts'),
      tickets: await count('tickets'),
      associations: await count('contact_tickets'),
      companies: await count('companies'),
      surveys: await count('survey_responses'),
    };
  }
}

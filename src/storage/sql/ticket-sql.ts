import type { Kysely } from 'kysely';
import type { PropertyBag } from '../../crm/model';
import type { ContactTicketLink, StoredTicket } from '../../crm/crm-store';
import type { Database, TicketsTable } from '../database';
import { replaceContactLinks } from './contact-links-sql';
import { chunk, fromJson, inTransaction } from './json';

/** Tickets and their contact links: the SQL behind CrmSqlStore's ticket methods. */

const IN_CHUNK = 500;

function toTicket(row: TicketsTable): StoredTicket {
  return {
    id: row.id,
    properties: fromJson<PropertyBag>(row.properties, {}),
    createdAt: row.created_at === null ? null : Number(row.created_at),
    hsUpdatedAt: Number(row.hs_updated_at),
  };
}

function insertLinks(db: Kysely<Database>, portalId: number, links: readonly ContactTicketLink[]) {
  return db
    .insertInto('contact_tickets')
    .values(links.map((l) => ({ portal_id: portalId, contact_id: l.contactId, ticket_id: l.ticketId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function replaceContactTickets(
  db: Kysely<Database>,
  portalId: number,
  contactIds: readonly string[],
  links: readonly ContactTicketLink[],
): Promise<void> {
  return replaceContactLinks(db, 'contact_tickets', portalId, contactIds, links, (tx, part) => insertLinks(tx, portalId, part));
}

export async function link(db: Kysely<Database>, portalId: number, links: readonly ContactTicketLink[]): Promise<void> {
  for (const part of chunk(links, 300)) await insertLinks(db, portalId, part);
}

export async function unlink(db: Kysely<Database>, portalId: number, links: readonly ContactTicketLink[]): Promise<void> {
  await inTransaction(db, async (tx) => {
    for (const l of links) {
      await tx
        .deleteFrom('contact_tickets')
        .where('portal_id', '=', portalId)
        .where('contact_id', '=', l.contactId)
        .where('ticket_id', '=', l.ticketId)
        .execute();
    }
  });
}

/** The stored tickets of each of these contacts, in link order. */
export async function ticketsOf(
  db: Kysely<Database>,
  portalId: number,
  contactIds: readonly string[],
): Promise<Map<string, StoredTicket[]>> {
  const byContact = new Map<string, StoredTicket[]>();
  if (contactIds.length === 0) return byContact;
  for (const part of chunk(contactIds, IN_CHUNK)) {
    const rows = await db
      .selectFrom('contact_tickets as ct')
      .innerJoin('tickets as t', (j) => j.onRef('t.portal_id', '=', 'ct.portal_id').onRef('t.id', '=', 'ct.ticket_id'))
      .select(['ct.contact_id', 't.portal_id', 't.id', 't.properties', 't.created_at', 't.hs_updated_at', 't.synced_at'])
      .where('ct.portal_id', '=', portalId)
      .where('ct.contact_id', 'in', part)
      // Ordered by the link's columns, never by t.id: ordering by the tickets table led SQLite to
      // walk every ticket of the portal for each lookup (measured: 17 ms a card at 100k contacts).
      .orderBy('ct.contact_id')
      .orderBy('ct.ticket_id')
      .execute();
    for (const row of rows) {
      const list = byContact.get(row.contact_id) ?? [];
      list.push(toTicket(row));
      byContact.set(row.contact_id, list);
    }
  }
  return byContact;
}

export async function contactIdsOfTicket(db: Kysely<Database>, portalId: number, ticketId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('contact_tickets')
    .select('contact_id')
    .where('portal_id', '=', portalId)
    .where('ticket_id', '=', ticketId)
    .execute();
  return rows.map((r) => r.contact_id);
}

export async function ticketIdsSyncedSince(
  db: Kysely<Database>,
  portalId: number,
  ids: readonly string[],
  since: number,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk(ids, IN_CHUNK)) {
    const rows = await db
      .selectFrom('tickets')
      .select('id')
      .where('portal_id', '=', portalId)
      .where('id', 'in', part)
      .where('synced_at', '>=', since)
      .execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

export async function listTicketIds(db: Kysely<Database>, portalId: number, afterId: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('tickets').select('id').where('portal_id', '=', portalId);
  if (afterId !== null) q = q.where('id', '>', afterId);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

export async function deleteTickets(db: Kysely<Database>, portalId: number, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await inTransaction(db, async (tx) => {
    for (const part of chunk(ids, IN_CHUNK)) {
      await tx.deleteFrom('tickets').where('portal_id', '=', portalId).where('id', 'in', part).execute();
      await tx.deleteFrom('contact_tickets').where('portal_id', '=', portalId).where('ticket_id', 'in', part).execute();
    }
  });
}

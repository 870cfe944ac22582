import { sql, type Kysely } from 'kysely';
import type { PropertyBag } from '../../crm/model';
import type { StoredContact } from '../../crm/crm-store';
import type { Dialect } from '../dialect';
import type { ContactsTable, Database } from '../database';
import { fromJson } from './json';

/** A stored contact row as the CRM store hands it out, and the contact search behind CrmSqlStore. */

export function toContact(row: ContactsTable): StoredContact {
  return {
    id: row.id,
    email: row.email,
    properties: fromJson<PropertyBag>(row.properties, {}),
    hsUpdatedAt: Number(row.hs_updated_at),
    archived: row.archived === 1,
  };
}

export async function searchContacts(
  db: Kysely<Database>,
  dialect: Dialect,
  portalId: number,
  query: string,
  limit: number,
): Promise<StoredContact[]> {
  const needle = query.trim().toLowerCase();
  if (needle === '') {
    return (await db.selectFrom('contacts').selectAll().where('portal_id', '=', portalId).orderBy('id').limit(limit).execute()).map(
      toContact,
    );
  }
  // The needle is matched against values (name, email, id), never the stored JSON text, where
  // `"` or a property name would match every contact; LIKE's % and _ are taken literally.
  const escaped = needle.replace(/[\\%_]/g, (m) => `\\${m}`);
  const pattern = `%${escaped}%`;
  const rows = await db
    .selectFrom('contacts')
    .selectAll()
    .where('portal_id', '=', portalId)
    .where((eb) =>
      eb.or([
        eb('id', '=', query.trim()),
        eb(sql<string>`lower(coalesce(email, ''))`, 'like', sql<string>`${pattern} escape '\\'`),
        eb(sql<string>`lower(${fullNameSql(dialect)})`, 'like', sql<string>`${pattern} escape '\\'`),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toContact);
}

/** "firstname lastname" read from the stored properties JSON. */
function fullNameSql(dialect: Dialect) {
  const field = (name: 'firstname' | 'lastname') =>
    dialect === 'postgres'
      ? sql<string>`coalesce(properties::json->>${sql.lit(name)}, '')`
      : sql<string>`coalesce(json_extract(properties, ${sql.lit(`$.${name}`)}), '')`;
  return sql<string>`${field('firstname')} || ' ' || ${field('lastname')}`;
}

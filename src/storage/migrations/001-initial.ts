import type { Kysely, CreateTableBuilder } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Written once for both engines through Kysely's schema builder; the only dialect difference is
 * how an auto-increment key and a 64-bit integer are spelled.
 */
export function initialMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  const withAutoId = <T extends string>(t: CreateTableBuilder<T, never>) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('portals')
        .addColumn('portal_id', big, (c) => c.primaryKey())
        .addColumn('hub_domain', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('access_token_enc', 'text')
        .addColumn('refresh_token_enc', 'text')
        .addColumn('access_expires_at', big)
        .addColumn('installed_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addColumn('installed_by', 'text')
        .addColumn('last_error', 'text')
        .execute();

      await db.schema
        .createTable('oauth_states')
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('browser_hash', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .addColumn('used_at', big)
        .execute();

      await db.schema
        .createTable('contacts')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('hs_updated_at', big, (c) => c.notNull())
        .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('synced_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('contacts_pk', ['portal_id', 'id'])
        .execute();
      await db.schema.createIndex('contacts_email').on('contacts').columns(['portal_id', 'email']).execute();

      await db.schema
        .createTable('tickets')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('created_at', big)
        .addColumn('hs_updated_at', big, (c) => c.notNull())
        .addColumn('synced_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('tickets_pk', ['portal_id', 'id'])
        .execute();

      await db.schema
        .createTable('contact_tickets')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('contact_tickets_pk', ['portal_id', 'contact_id', 'ticket_id'])
        .execute();
      await db.schema.createIndex('contact_tickets_by_ticket').on('contact_tickets').columns(['portal_id', 'ticket_id']).execute();

      await db.schema
        .createTable('rule_sets')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('rule_sets_pk', ['portal_id', 'version'])
        .execute();

      await db.schema
        .createTable('assignments')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('persona_id', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('secondary', 'text', (c) => c.notNull())
        .addColumn('journey_stage', 'text', (c) => c.notNull())
        .addColumn('explanation', 'text', (c) => c.notNull())
        .addColumn('rule_set_version', 'integer', (c) => c.notNull())
        .addColumn('computed_at', big, (c) => c.notNull())
        .addColumn('written_persona', 'text')
        .addColumn('written_secondary', 'text')
        .addColumn('written_score', 'text')
        .addColumn('written_at', big)
        .addColumn('hubspot_persona', 'text')
        .addColumn('override_persona', 'text')
        .addColumn('override_by', 'text')
        .addColumn('override_at', big)
        .addColumn('needs_write', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('assignments_pk', ['portal_id', 'contact_id'])
        .execute();
      await db.schema.createIndex('assignments_by_persona').on('assignments').columns(['portal_id', 'persona_id']).execute();
      await db.schema.createIndex('assignments_to_write').on('assignments').columns(['portal_id', 'needs_write']).execute();

      await withAutoId(db.schema.createTable('assignment_history'))
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('from_persona', 'text')
        .addColumn('to_persona', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('rule_set_version', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('assignment_history_by_contact').on('assignment_history').columns(['portal_id', 'contact_id']).execute();
      await db.schema.createIndex('assignment_history_by_time').on('assignment_history').columns(['portal_id', 'at']).execute();

      await withAutoId(db.schema.createTable('webhook_inbox'))
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('occurred_at', big, (c) => c.notNull())
        .addColumn('received_at', big, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_at', big)
        .addColumn('last_error', 'text')
        .addUniqueConstraint('webhook_inbox_dedupe', ['portal_id', 'dedupe_key'])
        .execute();
      await db.schema.createIndex('webhook_inbox_by_status').on('webhook_inbox').columns(['status', 'id']).execute();

      await db.schema
        .createTable('sync_cursors')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('stream', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text', (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_cursors_pk', ['portal_id', 'stream'])
        .execute();

      await withAutoId(db.schema.createTable('sync_runs'))
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', big, (c) => c.notNull())
        .addColumn('finished_at', big)
        .addColumn('progress', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('sync_runs_by_portal').on('sync_runs').columns(['portal_id', 'id']).execute();

      await db.schema
        .createTable('api_usage')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('minute', big, (c) => c.notNull())
        .addColumn('calls', 'integer', (c) => c.notNull())
        .addColumn('throttled', 'integer', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('api_usage_pk', ['portal_id', 'minute'])
        .execute();

      await withAutoId(db.schema.createTable('audit_log'))
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('diff', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_by_portal').on('audit_log').columns(['portal_id', 'id']).execute();

      await db.schema
        .createTable('workflow_callbacks')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('callback_id', 'text', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('workflow_callbacks_pk', ['portal_id', 'callback_id'])
        .execute();

      await db.schema
        .createTable('admin_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('user_email', 'text')
        .addColumn('user_id', 'text')
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .execute();

      await withAutoId(db.schema.createTable('reports'))
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reports_by_portal').on('reports').columns(['portal_id', 'kind', 'id']).execute();

      await withAutoId(db.schema.createTable('pilot_imports'))
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('rows', 'integer', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('pilot_results')
        .addColumn('import_id', big, (c) => c.notNull())
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('contact_id', 'text')
        .addColumn('email', 'text')
        .addColumn('variant', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pilot_results_by_portal').on('pilot_results').columns(['portal_id', 'import_id']).execute();
    },
  };
}

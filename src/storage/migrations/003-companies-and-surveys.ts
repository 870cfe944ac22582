import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Companies and survey responses (HubSpot feedback submissions), and their links to contacts.
 * A contact may be associated with several companies; `is_primary` marks the one under HubSpot's
 * Primary label, which `company` conditions read. The company index serves "contacts of these
 * companies" (a company change rescores its contacts; an account's coverage reads all of them).
 */
export function companiesAndSurveysMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('companies')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('hs_updated_at', big, (c) => c.notNull())
        .addColumn('synced_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('companies_pk', ['portal_id', 'id'])
        .execute();

      await db.schema
        .createTable('contact_companies')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('company_id', 'text', (c) => c.notNull())
        .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('contact_companies_pk', ['portal_id', 'contact_id', 'company_id'])
        .execute();
      await db.schema.createIndex('contact_companies_by_company').on('contact_companies').columns(['portal_id', 'company_id']).execute();

      await db.schema
        .createTable('survey_responses')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('created_at', big)
        .addColumn('hs_updated_at', big, (c) => c.notNull())
        .addColumn('synced_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('survey_responses_pk', ['portal_id', 'id'])
        .execute();

      await db.schema
        .createTable('contact_surveys')
        .addColumn('portal_id', big, (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('contact_surveys_pk', ['portal_id', 'contact_id', 'survey_id'])
        .execute();
      await db.schema.createIndex('contact_surveys_by_survey').on('contact_surveys').columns(['portal_id', 'survey_id']).execute();
    },
  };
}

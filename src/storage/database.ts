import type { Generated, Selectable } from 'kysely';

/**
 * The row shapes of every table. Times are epoch milliseconds (bigint columns, read back as
 * numbers); structured values are JSON text so both engines store them the same way; booleans
 * are 0/1 integers for the same reason.
 */
type AutoId = Generated<number>;
type Json = string;

export interface PortalsTable {
  portal_id: number;
  hub_domain: string | null;
  state: string;
  scopes: Json;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  access_expires_at: number | null;
  installed_at: number;
  updated_at: number;
  installed_by: string | null;
  last_error: string | null;
}

export interface OauthStatesTable {
  state_hash: string;
  browser_hash: string;
  purpose: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ContactsTable {
  portal_id: number;
  id: string;
  email: string | null;
  properties: Json;
  hs_updated_at: number;
  archived: number;
  synced_at: number;
}

export interface TicketsTable {
  portal_id: number;
  id: string;
  properties: Json;
  created_at: number | null;
  hs_updated_at: number;
  synced_at: number;
}

export interface ContactTicketsTable {
  portal_id: number;
  contact_id: string;
  ticket_id: string;
}

export interface CompaniesTable {
  portal_id: number;
  id: string;
  properties: Json;
  hs_updated_at: number;
  synced_at: number;
}

export interface ContactCompaniesTable {
  portal_id: number;
  contact_id: string;
  company_id: string;
  is_primary: number;
}

export interface SurveyResponsesTable {
  portal_id: number;
  id: string;
  properties: Json;
  created_at: number | null;
  hs_updated_at: number;
  synced_at: number;
}

/** The buying-committee values last written to a company, exactly as sent (`;`-joined ids). */
export interface CompanyCoverageTable {
  portal_id: number;
  company_id: string;
  coverage: string;
  gaps: string;
  written_at: number;
}

export interface ContactSurveysTable {
  portal_id: number;
  contact_id: string;
  survey_id: string;
}

export interface RuleSetsTable {
  portal_id: number;
  version: number;
  body: Json;
  status: string;
  created_at: number;
  created_by: string;
  note: string | null;
}

export interface AssignmentsTable {
  portal_id: number;
  contact_id: string;
  persona_id: string;
  score: number;
  secondary: Json;
  journey_stage: string;
  explanation: Json;
  rule_set_version: number;
  computed_at: number;
  written_persona: string | null;
  written_secondary: string | null;
  written_score: string | null;
  written_at: number | null;
  hubspot_persona: string | null;
  override_persona: string | null;
  override_by: string | null;
  override_at: number | null;
  needs_write: number;
  review_reason: string | null;
  review_margin: number | null;
  review_open: Generated<number>;
}

export interface AssignmentHistoryTable {
  id: AutoId;
  portal_id: number;
  contact_id: string;
  from_persona: string | null;
  to_persona: string;
  score: number;
  rule_set_version: number;
  reason: string;
  at: number;
}

export interface WebhookInboxTable {
  id: AutoId;
  portal_id: number;
  dedupe_key: string;
  event: Json;
  occurred_at: number;
  received_at: number;
  status: string;
  attempts: number;
  claimed_at: number | null;
  last_error: string | null;
}

export interface SyncCursorsTable {
  portal_id: number;
  stream: string;
  cursor: string;
  updated_at: number;
}

export interface SyncRunsTable {
  id: AutoId;
  portal_id: number;
  kind: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  progress: Json;
  error: string | null;
}

export interface ApiUsageTable {
  portal_id: number;
  minute: number;
  calls: number;
  throttled: number;
  failures: number;
}

export interface AuditLogTable {
  id: AutoId;
  portal_id: number;
  actor: string;
  action: string;
  target: string;
  diff: Json;
  at: number;
}

export interface WorkflowCallbacksTable {
  portal_id: number;
  callback_id: string;
  response: Json;
  at: number;
}

export interface AdminSessionsTable {
  id_hash: string;
  portal_id: number;
  user_email: string | null;
  user_id: string | null;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface ReportsTable {
  id: AutoId;
  portal_id: number;
  kind: string;
  title: string;
  body: Json;
  created_at: number;
}

export interface PilotImportsTable {
  id: AutoId;
  portal_id: number;
  file_name: string;
  rows: number;
  created_at: number;
}

export interface PilotResultsTable {
  import_id: number;
  portal_id: number;
  line: number;
  contact_id: string | null;
  email: string | null;
  variant: string;
  outcome: string;
  value: number;
}

export interface AssignmentSnapshotsTable {
  id: AutoId;
  portal_id: number;
  taken_at: number;
  contacts: number;
  unassigned: number;
  entries: Json;
  /** `[[personaId | null, contacts], …]`: what the share chart reads instead of the entries. */
  persona_counts: Json | null;
}

export interface DiscoveryRunsTable {
  id: AutoId;
  portal_id: number;
  status: string;
  phase: string;
  done: number;
  total: number | null;
  report_id: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

export interface ShareLinkRevocationsTable {
  portal_id: number;
  revoked_before: number;
}

export interface Database {
  assignment_snapshots: AssignmentSnapshotsTable;
  discovery_runs: DiscoveryRunsTable;
  share_link_revocations: ShareLinkRevocationsTable;
  portals: PortalsTable;
  oauth_states: OauthStatesTable;
  contacts: ContactsTable;
  tickets: TicketsTable;
  contact_tickets: ContactTicketsTable;
  companies: CompaniesTable;
  contact_companies: ContactCompaniesTable;
  company_coverage: CompanyCoverageTable;
  survey_responses: SurveyResponsesTable;
  contact_surveys: ContactSurveysTable;
  rule_sets: RuleSetsTable;
  assignments: AssignmentsTable;
  assignment_history: AssignmentHistoryTable;
  webhook_inbox: WebhookInboxTable;
  sync_cursors: SyncCursorsTable;
  sync_runs: SyncRunsTable;
  api_usage: ApiUsageTable;
  audit_log: AuditLogTable;
  workflow_callbacks: WorkflowCallbacksTable;
  admin_sessions: AdminSessionsTable;
  reports: ReportsTable;
  pilot_imports: PilotImportsTable;
  pilot_results: PilotResultsTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;

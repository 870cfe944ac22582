import type { Storage } from './connect';
import { AssignmentSqlStore } from './sql/assignment-sql-store';
import { AuditSqlStore } from './sql/audit-sql-store';
import { CrmSqlStore } from './sql/crm-sql-store';
import { DiscoveryRunSqlStore } from './sql/discovery-run-sql-store';
import { InboxSqlStore } from './sql/inbox-sql-store';
import {
  AnalysisContactSqlSource,
  AssignmentSnapshotSqlStore,
  InsightsReportSqlStore,
  PilotResultSqlStore,
} from './sql/insights-sql-store';
import { OAuthStateSqlStore, PortalSqlStore } from './sql/portal-sql-store';
import { RuleSetSqlStore } from './sql/rule-set-sql-store';
import { SessionSqlStore, ShareRevocationSqlStore } from './sql/session-sql-store';
import { SyncSqlStore } from './sql/sync-sql-store';
import { WorkflowCallbackSqlStore } from './sql/workflow-callback-sql-store';

/** Every store, built once over one storage connection. */
export function createStores(storage: Storage) {
  const { db } = storage;
  const crm = new CrmSqlStore(db, storage.dialect);
  return {
    portals: new PortalSqlStore(db),
    oauthStates: new OAuthStateSqlStore(db),
    crm,
    ruleSets: new RuleSetSqlStore(db),
    assignments: new AssignmentSqlStore(db),
    inbox: new InboxSqlStore(db, storage.dialect),
    sync: new SyncSqlStore(db),
    audit: new AuditSqlStore(db),
    adminSessions: new SessionSqlStore(db),
    shareRevocations: new ShareRevocationSqlStore(db),
    workflowCallbacks: new WorkflowCallbackSqlStore(db),
    reports: new InsightsReportSqlStore(db),
    pilots: new PilotResultSqlStore(db),
    snapshots: new AssignmentSnapshotSqlStore(db),
    analysisContacts: new AnalysisContactSqlSource(db, crm),
    discoveryRuns: new DiscoveryRunSqlStore(db),
  };
}

export type Stores = ReturnType<typeof createStores>;

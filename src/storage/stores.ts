import type { Storage } from './connect';
import { AssignmentSqlStore } from './sql/assignment-sql-store';
import { AuditSqlStore } from './sql/audit-sql-store';
import { CrmSqlStore } from './sql/crm-sql-store';
import { InboxSqlStore } from './sql/inbox-sql-store';
import { OAuthStateSqlStore, PortalSqlStore } from './sql/portal-sql-store';
import { RuleSetSqlStore } from './sql/rule-set-sql-store';
import { SyncSqlStore } from './sql/sync-sql-store';

/** Every store, built once over one storage connection. */
export function createStores(storage: Storage) {
  const { db } = storage;
  return {
    portals: new PortalSqlStore(db),
    oauthStates: new OAuthStateSqlStore(db),
    crm: new CrmSqlStore(db),
    ruleSets: new RuleSetSqlStore(db),
    assignments: new AssignmentSqlStore(db),
    inbox: new InboxSqlStore(db, storage.dialect),
    sync: new SyncSqlStore(db),
    audit: new AuditSqlStore(db),
  };
}

export type Stores = ReturnType<typeof createStores>;

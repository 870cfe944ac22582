import type { PortalStore } from '../install/portal-store';
import type { AssignmentService } from '../personas/assignment-service';
import type { RuleSetService } from '../personas/rule-set-service';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { CrmStore } from '../crm/crm-store';
import type { HubSpotGateways } from '../crm/hubspot-port';
import type { PortalId } from '../crm/model';
import type { SyncStore } from './sync-store';

/** Test seams: a hook that throws after a page simulates a crash at that point. */
export interface SyncHooks {
  afterPage?(info: { portalId: PortalId; stream: string; page: number }): void | Promise<void>;
}

/** Everything the sync's parts use; each part takes the few it needs. */
export interface SyncDeps {
  readonly crm: CrmStore;
  readonly sync: SyncStore;
  readonly portals: PortalStore;
  readonly ruleSets: RuleSetService;
  readonly assignments: AssignmentService;
  readonly gateways: HubSpotGateways;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks?: SyncHooks;
  /** Incremental searches start this far before the watermark: search is eventually consistent. */
  readonly searchOverlapMs?: number;
}

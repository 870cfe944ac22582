import type { PortalId } from '../crm/model';

export interface AuditEntry {
  readonly portalId: PortalId;
  readonly actor: string;
  readonly action: string;
  /** What was acted on, e.g. `ruleset:3` or `contact:1234` (contact entries are purged with the contact). */
  readonly target: string;
  readonly diff: unknown;
  readonly at: number;
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  list(portalId: PortalId, options: { limit: number; beforeId?: number }): Promise<(AuditEntry & { id: number })[]>;
}

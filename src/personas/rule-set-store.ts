import type { PortalId } from '../crm/model';

export type RuleSetStatus = 'published' | 'draft';

export interface RuleSetVersion {
  readonly portalId: PortalId;
  readonly version: number;
  /** The rule set as JSON, already validated by the engine before it was stored. */
  readonly body: unknown;
  readonly status: RuleSetStatus;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly note: string | null;
}

export interface RuleSetStore {
  /** Stores a new version numbered one above the highest so far (atomically). */
  add(
    portalId: PortalId,
    entry: { body: unknown; status: RuleSetStatus; createdBy: string; note: string | null },
    now: number,
  ): Promise<RuleSetVersion>;
  /** The highest published version: the one in force. */
  live(portalId: PortalId): Promise<RuleSetVersion | null>;
  get(portalId: PortalId, version: number): Promise<RuleSetVersion | null>;
  list(portalId: PortalId): Promise<RuleSetVersion[]>;
}

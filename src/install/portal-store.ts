import type { PortalId } from '../crm/model';

export type InstallState = 'installed' | 'needs_reauth' | 'uninstalled';

export interface PortalRecord {
  readonly portalId: PortalId;
  readonly hubDomain: string | null;
  readonly state: InstallState;
  readonly scopes: readonly string[];
  /** Tokens are stored only encrypted (AES-256-GCM); see token-crypto. */
  readonly accessTokenEnc: string | null;
  readonly refreshTokenEnc: string | null;
  readonly accessExpiresAt: number | null;
  readonly installedAt: number;
  readonly updatedAt: number;
  readonly installedBy: string | null;
  readonly lastError: string | null;
}

export interface PortalStore {
  /** Inserts a portal or, on a re-install, replaces its tokens and state (installedAt is kept). */
  upsert(portal: PortalRecord): Promise<void>;
  get(portalId: PortalId): Promise<PortalRecord | null>;
  list(): Promise<PortalRecord[]>;
  updateTokens(
    portalId: PortalId,
    tokens: { accessTokenEnc: string; refreshTokenEnc: string; accessExpiresAt: number },
    now: number,
  ): Promise<void>;
  setState(portalId: PortalId, state: InstallState, lastError: string | null, now: number): Promise<void>;
}

export type OAuthStatePurpose = 'install' | 'signin';
export type ConsumeStateResult = 'ok' | 'unknown' | 'used' | 'expired' | 'wrong-browser' | 'wrong-purpose';

export interface OAuthStateStore {
  save(state: { stateHash: string; browserHash: string; purpose: OAuthStatePurpose; createdAt: number; expiresAt: number }): Promise<void>;
  /** Marks the state used, atomically: of two concurrent callbacks with the same state, one wins. */
  consume(stateHash: string, browserHash: string, purpose: OAuthStatePurpose, now: number): Promise<ConsumeStateResult>;
  purgeExpired(now: number): Promise<number>;
}

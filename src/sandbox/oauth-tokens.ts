import { randomBytes, randomUUID } from 'node:crypto';

interface CodeRecord {
  portalId: number;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}
export interface AccessRecord {
  portalId: number;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
  refreshToken: string;
}
export interface RefreshRecord {
  portalId: number;
  scopes: string[];
  revoked: boolean;
}

export const AUTH_CODE_TTL_MS = 10 * 60 * 1000;

export type TokenCheck =
  { ok: true; portalId: number; scopes: string[] } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

/** The sandbox's authorization codes, access tokens and refresh tokens, as HubSpot keeps them. */
export class OAuthTokens {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();

  constructor(private readonly deps: { clock: () => number; accessTokenTtlSeconds: number }) {}

  /** Checks a bearer token for the API routes. */
  check(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) return { ok: false, reason: 'missing' };
    const record = this.accessTokens.get(match[1].trim());
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (this.deps.clock() >= record.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, portalId: record.portalId, scopes: record.scopes };
  }

  /** Which portal a bearer token belongs to, valid or not (for fault targeting and stats). */
  portalOfToken(authorization: string | undefined): number | undefined {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    return match ? this.accessTokens.get(match[1].trim())?.portalId : undefined;
  }

  revokePortal(portalId: number): void {
    for (const r of this.accessTokens.values()) if (r.portalId === portalId) r.revoked = true;
    for (const r of this.refreshTokens.values()) if (r.portalId === portalId) r.revoked = true;
  }

  /** A single-use code bound to the redirect URI it was issued for. */
  newCode(portalId: number, redirectUri: string, scopes: string[]): string {
    const code = randomUUID();
    this.codes.set(code, { portalId, redirectUri, used: false, expiresAt: this.deps.clock() + AUTH_CODE_TTL_MS, scopes });
    return code;
  }

  /** Uses up a code presented with the redirect URI it was issued for; says which check failed otherwise. */
  redeemCode(
    code: string | undefined,
    redirectUri: string | undefined,
  ): { portalId: number; scopes: string[] } | 'BAD_AUTH_CODE' | 'BAD_REDIRECT_URI' {
    const record = code ? this.codes.get(code) : undefined;
    if (!record || record.used || this.deps.clock() >= record.expiresAt) return 'BAD_AUTH_CODE';
    if (redirectUri !== record.redirectUri) return 'BAD_REDIRECT_URI';
    record.used = true;
    return { portalId: record.portalId, scopes: record.scopes };
  }

  newRefreshToken(portalId: number, scopes: string[]): string {
    const refreshToken = `na1-${randomUUID()}`;
    this.refreshTokens.set(refreshToken, { portalId, scopes, revoked: false });
    return refreshToken;
  }

  newAccessToken(portalId: number, scopes: string[], refreshToken: string): string {
    // HubSpot access tokens are opaque base64-ish strings starting with "C".
    const token = `C${randomBytes(96).toString('base64url')}`;
    this.accessTokens.set(token, {
      portalId,
      scopes,
      refreshToken,
      revoked: false,
      expiresAt: this.deps.clock() + this.deps.accessTokenTtlSeconds * 1000,
    });
    return token;
  }

  /** The access token's record while it is valid. */
  liveAccess(token: string): AccessRecord | undefined {
    const r = this.accessTokens.get(token);
    return !r || r.revoked || this.deps.clock() >= r.expiresAt ? undefined : r;
  }

  /** The refresh token's record unless it was revoked (refresh tokens do not expire). */
  liveRefresh(token: string): RefreshRecord | undefined {
    const r = this.refreshTokens.get(token);
    return !r || r.revoked ? undefined : r;
  }

  /** Revoking a refresh token also ends the access tokens minted from it. */
  revoke(token: string): boolean {
    const access = this.accessTokens.get(token);
    if (access) access.revoked = true;
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      refresh.revoked = true;
      for (const a of this.accessTokens.values()) if (a.refreshToken === token) a.revoked = true;
    }
    return Boolean(access ?? refresh);
  }
}

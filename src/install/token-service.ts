import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { HubSpotCallError, ReauthorizationRequiredError } from '../crm/hubspot-port';
import { OAuthTokenError, type OAuthClient, type OAuthTokens } from './oauth-client';
import type { PortalStore } from './portal-store';
import { accessTokenAad, refreshTokenAad, type TokenCrypto } from './token-crypto';

/** What the HubSpot gateway needs to authenticate a portal's calls. */
export interface AccessTokenProvider {
  accessToken(portalId: PortalId): Promise<string>;
  /** HubSpot refused `rejected` (a 401): get a fresh token, refreshing at most once however many callers ask. */
  refreshAfterRejection(portalId: PortalId, rejected: string): Promise<string>;
}

export interface TokenServiceDeps {
  readonly portals: PortalStore;
  readonly crypto: TokenCrypto;
  readonly oauth: Pick<OAuthClient, 'refresh'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Refresh this long before the access token expires (default 5 minutes, capped at a tenth of its lifetime). */
  readonly refreshMarginMs?: number;
  /** Waits between attempts of a refresh that failed for a transient reason. */
  readonly transientRetryDelaysMs?: readonly number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Access tokens per portal, refreshed before they expire. One refresh is in flight per portal
 * however many callers want a token; a refresh token HubSpot rejects marks the portal
 * `needs_reauth` (shown in status) and every caller gets ReauthorizationRequiredError, without retries.
 */
export class TokenService implements AccessTokenProvider {
  private readonly inFlight = new Map<PortalId, Promise<string>>();
  private readonly lifetimes = new Map<PortalId, number>();

  constructor(private readonly deps: TokenServiceDeps) {}

  /** Seals and stores fresh tokens (install and refresh). */
  async storeTokens(portalId: PortalId, tokens: OAuthTokens): Promise<void> {
    const now = this.deps.clock.now();
    this.lifetimes.set(portalId, tokens.expiresIn * 1000);
    await this.deps.portals.updateTokens(portalId, this.seal(portalId, tokens, now), now);
  }

  seal(portalId: PortalId, tokens: OAuthTokens, now: number): { accessTokenEnc: string; refreshTokenEnc: string; accessExpiresAt: number } {
    return {
      accessTokenEnc: this.deps.crypto.encrypt(tokens.accessToken, accessTokenAad(portalId)),
      refreshTokenEnc: this.deps.crypto.encrypt(tokens.refreshToken, refreshTokenAad(portalId)),
      accessExpiresAt: now + tokens.expiresIn * 1000,
    };
  }

  async accessToken(portalId: PortalId): Promise<string> {
    const pending = this.inFlight.get(portalId);
    if (pending) return pending;
    const portal = await this.deps.portals.get(portalId);
    if (!portal || portal.state === 'uninstalled') throw new HubSpotCallError('token', null, `Portal ${portalId} is not installed`);
    if (portal.state === 'needs_reauth') throw new ReauthorizationRequiredError(portalId);
    if (
      portal.accessTokenEnc &&
      portal.accessExpiresAt !== null &&
      this.deps.clock.now() < portal.accessExpiresAt - this.margin(portalId)
    ) {
      return this.deps.crypto.decrypt(portal.accessTokenEnc, accessTokenAad(portalId));
    }
    return this.refreshOnce(portalId);
  }

  async refreshAfterRejection(portalId: PortalId, rejected: string): Promise<string> {
    const pending = this.inFlight.get(portalId);
    if (pending) return pending;
    const portal = await this.deps.portals.get(portalId);
    if (portal?.state === 'needs_reauth') throw new ReauthorizationRequiredError(portalId);
    // Someone already refreshed since this caller got its token: use theirs.
    if (portal?.accessTokenEnc) {
      const current = this.deps.crypto.decrypt(portal.accessTokenEnc, accessTokenAad(portalId));
      if (current !== rejected) return current;
    }
    return this.refreshOnce(portalId);
  }

  private margin(portalId: PortalId): number {
    const wanted = this.deps.refreshMarginMs ?? 5 * 60_000;
    const lifetime = this.lifetimes.get(portalId);
    return lifetime === undefined ? wanted : Math.min(wanted, lifetime / 10);
  }

  private refreshOnce(portalId: PortalId): Promise<string> {
    let pending = this.inFlight.get(portalId);
    if (!pending) {
      pending = this.refresh(portalId).finally(() => this.inFlight.delete(portalId));
      this.inFlight.set(portalId, pending);
    }
    return pending;
  }

  private async refresh(portalId: PortalId): Promise<string> {
    const portal = await this.deps.portals.get(portalId);
    if (!portal?.refreshTokenEnc) throw new ReauthorizationRequiredError(portalId, `Portal ${portalId} has no refresh token`);
    const refreshToken = this.deps.crypto.decrypt(portal.refreshTokenEnc, refreshTokenAad(portalId));
    const delays = this.deps.transientRetryDelaysMs ?? [500, 2_000, 5_000];
    for (let attempt = 0; ; attempt += 1) {
      try {
        const tokens = await this.deps.oauth.refresh(refreshToken);
        await this.storeTokens(portalId, tokens);
        this.deps.logger.info({ portalId }, 'access token refreshed');
        return tokens.accessToken;
      } catch (err) {
        if (err instanceof OAuthTokenError && err.kind === 'rejected') {
          const message = 'HubSpot rejected the refresh token: install the app again';
          await this.deps.portals.setState(portalId, 'needs_reauth', message, this.deps.clock.now());
          this.deps.logger.warn({ portalId, status: err.status }, 'refresh token rejected; portal needs re-authorization');
          throw new ReauthorizationRequiredError(portalId);
        }
        if (attempt >= delays.length) {
          const message = err instanceof Error ? err.message : 'token refresh failed';
          throw new HubSpotCallError('token refresh', err instanceof OAuthTokenError ? err.status : null, message, { cause: err });
        }
        this.deps.logger.warn({ portalId, attempt: attempt + 1, err }, 'token refresh failed; retrying');
        await sleep(delays[attempt]);
      }
    }
  }
}

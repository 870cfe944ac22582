import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import {
  field,
  grantable,
  InstallPages,
  MARKETPLACE_APPROVE_PATH,
  MARKETPLACE_DONE_PATH,
  type OAuthApp,
  type PortalInfo,
} from './oauth-install-pages';
import { OAuthTokens, type TokenCheck } from './oauth-tokens';

const SANDBOX_USER_ID = 7_000_001;

export interface OAuthServerDeps {
  app: OAuthApp;
  portals: () => PortalInfo[];
  clock: () => number;
  accessTokenTtlSeconds: number;
  /** The sandbox's own origin: Marketplace installs send the browser back to a page there. */
  baseUrl: () => string;
}

/**
 * HubSpot's OAuth side for the sandbox: the routes of the install pages (oauth-install-pages.ts),
 * and the v1 and v3 token, introspection and revocation endpoints over the tokens it keeps
 * (oauth-tokens.ts), with RFC 6749 error bodies that keep HubSpot's legacy fields.
 */
export class OAuthServer {
  private readonly tokens: OAuthTokens;
  private readonly pages: InstallPages;

  constructor(private readonly deps: OAuthServerDeps) {
    this.tokens = new OAuthTokens(deps);
    this.pages = new InstallPages(deps, this.tokens);
  }

  /** Checks a bearer token for the API routes. */
  check(authorization: string | undefined): TokenCheck {
    return this.tokens.check(authorization);
  }

  /** Which portal a bearer token belongs to, valid or not (for fault targeting and stats). */
  portalOfToken(authorization: string | undefined): number | undefined {
    return this.tokens.portalOfToken(authorization);
  }

  revokePortal(portalId: number): void {
    this.tokens.revokePortal(portalId);
  }

  /** Issues tokens directly (tests and the demo skip the browser step with this). */
  issueTokens(
    portalId: number,
    requested: string[] = this.deps.app.scopes,
  ): { accessToken: string; refreshToken: string; expiresIn: number } {
    const scopes = grantable(this.deps.portals(), portalId, requested);
    const refreshToken = this.tokens.newRefreshToken(portalId, scopes);
    const accessToken = this.tokens.newAccessToken(portalId, scopes, refreshToken);
    return { accessToken, refreshToken, expiresIn: this.deps.accessTokenTtlSeconds };
  }

  private hubDomain(portalId: number): string {
    return this.deps.portals().find((p) => p.portalId === portalId)?.hubDomain ?? `sandbox-${portalId}.hubspot.local`;
  }

  private oauthError(res: Response, httpStatus: number, error: string, status: string, message: string): void {
    res.status(httpStatus).json({ error, error_description: message, status, message, correlationId: randomUUID() });
  }
  /** Shared by v1 and v3: returns the token response or sends the error. */
  private token(req: Request, res: Response, version: 'v1' | 'v3'): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { app } = this.deps;
    const grantType = field(body, 'grant_type');
    if (field(body, 'client_id') !== app.clientId)
      return this.oauthError(res, 400, 'invalid_client', 'BAD_CLIENT_ID', 'missing or unknown client id');
    if (field(body, 'client_secret') !== app.clientSecret)
      return this.oauthError(res, 400, 'invalid_client', 'BAD_CLIENT_SECRET', 'missing or invalid client secret');
    let portalId: number;
    let scopes: string[];
    let refreshToken: string;
    if (grantType === 'authorization_code') {
      const redeemed = this.tokens.redeemCode(field(body, 'code'), field(body, 'redirect_uri'));
      if (redeemed === 'BAD_AUTH_CODE') return this.oauthError(res, 400, 'invalid_grant', 'BAD_AUTH_CODE', 'missing or unknown auth code');
      if (redeemed === 'BAD_REDIRECT_URI') {
        return this.oauthError(res, 400, 'invalid_grant', 'BAD_REDIRECT_URI', 'redirect_uri does not match initial auth code URL');
      }
      ({ portalId, scopes } = redeemed);
      refreshToken = this.tokens.newRefreshToken(portalId, scopes);
    } else if (grantType === 'refresh_token') {
      const given = field(body, 'refresh_token');
      const record = given ? this.tokens.liveRefresh(given) : undefined;
      if (!given || !record) {
        return this.oauthError(res, 400, 'invalid_grant', 'BAD_REFRESH_TOKEN', 'refresh token is invalid, expired or revoked');
      }
      ({ portalId, scopes } = record);
      refreshToken = given;
    } else {
      return this.oauthError(
        res,
        400,
        'unsupported_grant_type',
        'BAD_GRANT_TYPE',
        'grant_type must be authorization_code or refresh_token',
      );
    }
    const accessToken = this.tokens.newAccessToken(portalId, scopes, refreshToken);
    const common = {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: this.deps.accessTokenTtlSeconds,
      token_type: 'bearer',
    };
    res.json(version === 'v1' ? common : { ...common, token_use: 'access_token', hub_id: portalId, user_id: SANDBOX_USER_ID, scopes });
  }

  private accessInfo(token: string): Record<string, unknown> | undefined {
    const r = this.tokens.liveAccess(token);
    if (!r) return undefined;
    return {
      token,
      user: `admin@${this.hubDomain(r.portalId)}`,
      hub_domain: this.hubDomain(r.portalId),
      scopes: r.scopes,
      hub_id: r.portalId,
      app_id: this.deps.app.appId,
      expires_in: Math.floor((r.expiresAt - this.deps.clock()) / 1000),
      user_id: SANDBOX_USER_ID,
      token_type: 'access',
    };
  }

  private refreshInfo(token: string): Record<string, unknown> | undefined {
    const r = this.tokens.liveRefresh(token);
    if (!r) return undefined;
    return {
      token,
      user: `admin@${this.hubDomain(r.portalId)}`,
      hub_domain: this.hubDomain(r.portalId),
      scopes: r.scopes,
      hub_id: r.portalId,
      client_id: this.deps.app.clientId,
      user_id: SANDBOX_USER_ID,
      token_type: 'refresh',
    };
  }

  private clientOk(body: Record<string, unknown>): boolean {
    return field(body, 'client_id') === this.deps.app.clientId && field(body, 'client_secret') === this.deps.app.clientSecret;
  }

  // The prose guide and the OpenAPI spec disagree on the field name; accept every spelling (docs/hubspot-contracts.md, OAuth tokens).
  private tokenField(body: Record<string, unknown>): string | undefined {
    return field(body, 'token') ?? field(body, 'access_token') ?? field(body, 'refresh_token');
  }

  private introspect(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!this.clientOk(body)) return this.oauthError(res, 400, 'invalid_client', 'BAD_CLIENT_ID', 'missing or unknown client id');
    const token = this.tokenField(body);
    if (!token) return this.oauthError(res, 400, 'invalid_request', 'BAD_REQUEST', 'token is required');
    const hint = field(body, 'token_type_hint') ?? (field(body, 'refresh_token') ? 'refresh_token' : undefined);
    const order = hint === 'refresh_token' ? ['refresh', 'access'] : ['access', 'refresh'];
    for (const kind of order) {
      if (kind === 'access') {
        const info = this.accessInfo(token);
        if (info) {
          return void res.json({
            active: true,
            ...info,
            client_id: this.deps.app.clientId,
            is_private_distribution: false,
            token_use: 'access_token',
            token_type: 'bearer',
            signed_access_token: {
              expiresAt: this.tokens.liveAccess(token)!.expiresAt,
              scopes: info.scopes,
              hubId: info.hub_id,
              appId: this.deps.app.appId,
            },
          });
        }
      } else {
        const info = this.refreshInfo(token);
        if (info)
          return void res.json({
            active: true,
            ...info,
            app_id: this.deps.app.appId,
            is_private_distribution: false,
            token_use: 'refresh_token',
            token_type: 'bearer',
          });
      }
    }
    // RFC 7662: an unknown, expired or revoked token is simply inactive.
    res.json({ active: false });
  }

  private revoke(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!this.clientOk(body)) return this.oauthError(res, 400, 'invalid_client', 'BAD_CLIENT_ID', 'missing or unknown client id');
    const token = this.tokenField(body);
    if (!token) return this.oauthError(res, 400, 'invalid_request', 'BAD_REQUEST', 'token is required');
    this.tokens.revoke(token);
    res.status(200).end();
  }

  routes(): Router {
    const router = express.Router();
    const form = express.urlencoded({ extended: false, limit: '16kb' });
    router.get('/oauth/authorize', (req, res) => this.pages.authorizePage(req, res));
    router.get('/oauth/:portalId/authorize', (req, res) => this.pages.authorizePage(req, res, Number(req.params.portalId)));
    router.post('/oauth/authorize/approve', form, (req, res) => this.pages.approve(req, res));
    router.post(MARKETPLACE_APPROVE_PATH, form, (req, res) => this.pages.marketplaceApprove(req, res));
    router.get(MARKETPLACE_DONE_PATH, (req, res) => this.pages.marketplaceDone(req, res));
    router.post('/oauth/v1/token', form, (req, res) => this.token(req, res, 'v1'));
    router.post('/oauth/v3/token', form, (req, res) => this.token(req, res, 'v3'));
    router.post('/oauth/2026-03/token', form, (req, res) => this.token(req, res, 'v3'));
    router.post('/oauth/v3/token/introspect', form, (req, res) => this.introspect(req, res));
    router.post('/oauth/2026-03/token/introspect', form, (req, res) => this.introspect(req, res));
    router.post('/oauth/v3/token/revoke', form, (req, res) => this.revoke(req, res));
    router.post('/oauth/2026-03/token/revoke', form, (req, res) => this.revoke(req, res));
    router.get('/oauth/v1/access-tokens/:token', (req, res) => {
      const info = this.accessInfo(req.params.token);
      // Conservative reading: HubSpot answers an unknown/expired token with a 4xx and a legacy status field.
      if (!info) return this.oauthError(res, 404, 'invalid_token', 'BAD_ACCESS_TOKEN', 'access token is invalid, expired or revoked');
      res.json(info);
    });
    router.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
      const info = this.refreshInfo(req.params.token);
      if (!info) return this.oauthError(res, 404, 'invalid_grant', 'BAD_REFRESH_TOKEN', 'refresh token is invalid, expired or revoked');
      res.json(info);
    });
    router.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
      if (!this.refreshInfo(req.params.token))
        return this.oauthError(res, 404, 'invalid_grant', 'BAD_REFRESH_TOKEN', 'refresh token is invalid, expired or revoked');
      this.tokens.revoke(req.params.token);
      res.status(204).end();
    });
    return router;
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { escapeHtml } from '../platform/html';

/**
 * HubSpot's OAuth side for the sandbox: the install (authorize) page, authorization codes, and
 * the v1 and v3 token endpoints with RFC 6749 error bodies that keep HubSpot's legacy fields.
 */

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  appId: number;
  redirectUris: string[];
  scopes: string[];
  /** The install URL Marketplace installs call (one of `redirectUris`); defaults to the first. */
  installUrl?: string;
}

export interface PortalInfo {
  portalId: number;
  hubDomain: string;
  /** Scopes of features the portal's edition lacks: never granted, even when asked for as optional. */
  unavailableScopes?: string[];
}

interface CodeRecord {
  portalId: number;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}
interface AccessRecord {
  portalId: number;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
  refreshToken: string;
}
interface RefreshRecord {
  portalId: number;
  scopes: string[];
  revoked: boolean;
}

export const AUTH_CODE_TTL_MS = 10 * 60 * 1000;
const SANDBOX_USER_ID = 7_000_001;

export interface OAuthServerDeps {
  app: OAuthApp;
  portals: () => PortalInfo[];
  clock: () => number;
  accessTokenTtlSeconds: number;
  /** The sandbox's own origin: Marketplace installs send the browser back to a page there. */
  baseUrl: () => string;
}

export const MARKETPLACE_APPROVE_PATH = '/oauth/marketplace/approve';
export const MARKETPLACE_DONE_PATH = '/_sandbox/marketplace/installed';

export type TokenCheck =
  { ok: true; portalId: number; scopes: string[] } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;color:#33475b}
.portal{border:1px solid #cbd6e2;border-radius:6px;padding:1rem;margin:1rem 0}
button{background:#ff7a59;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer}
.error{border-left:4px solid #f2545b;padding:.5rem 1rem;background:#fde8e9}</style></head>
<body>${body}</body></html>`;
}

function splitScopes(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[\s+]+/).filter(Boolean) : [];
}

function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export class OAuthServer {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();

  constructor(private readonly deps: OAuthServerDeps) {}

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

  /** Issues tokens directly (tests and the demo skip the browser step with this). */
  issueTokens(
    portalId: number,
    requested: string[] = this.deps.app.scopes,
  ): { accessToken: string; refreshToken: string; expiresIn: number } {
    const scopes = this.grantable(portalId, requested);
    const refreshToken = `na1-${randomUUID()}`;
    this.refreshTokens.set(refreshToken, { portalId, scopes, revoked: false });
    const accessToken = this.newAccessToken(portalId, scopes, refreshToken);
    return { accessToken, refreshToken, expiresIn: this.deps.accessTokenTtlSeconds };
  }

  private newAccessToken(portalId: number, scopes: string[], refreshToken: string): string {
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

  private hubDomain(portalId: number): string {
    return this.deps.portals().find((p) => p.portalId === portalId)?.hubDomain ?? `sandbox-${portalId}.hubspot.local`;
  }

  private authorizeProblem(query: Record<string, unknown>): string | undefined {
    const { app } = this.deps;
    const clientId = field(query, 'client_id');
    const redirectUri = field(query, 'redirect_uri');
    if (!clientId) return 'Missing client_id.';
    if (clientId !== app.clientId) return `Unknown client_id "${clientId}": no app with this client id is installed in the sandbox.`;
    if (!redirectUri) return 'Missing redirect_uri.';
    if (!app.redirectUris.includes(redirectUri)) return `The redirect_uri "${redirectUri}" is not one of the app's redirect URLs.`;
    const requested = [...splitScopes(field(query, 'scope')), ...splitScopes(field(query, 'optional_scope'))];
    if (splitScopes(field(query, 'scope')).length === 0) return 'Missing scope.';
    const unknown = requested.filter((s) => !app.scopes.includes(s));
    if (unknown.length > 0) return `The app does not declare these scopes: ${unknown.join(', ')}.`;
    return undefined;
  }

  private errorPage(res: Response, message: string): void {
    res
      .status(400)
      .type('html')
      .send(page('Install error', `<h1>Couldn't install the app</h1><p class="error">${escapeHtml(message)}</p>`));
  }

  private authorizePage(req: Request, res: Response, onlyPortal?: number): void {
    const query = req.query as Record<string, unknown>;
    const problem = this.authorizeProblem(query);
    if (problem) return this.errorPage(res, problem);
    const portals = this.deps.portals().filter((p) => onlyPortal === undefined || p.portalId === onlyPortal);
    if (portals.length === 0) return this.errorPage(res, `Portal ${onlyPortal} does not exist in this sandbox.`);
    const hidden = ['client_id', 'redirect_uri', 'scope', 'optional_scope', 'state']
      .map((n) => (field(query, n) === undefined ? '' : `<input type="hidden" name="${n}" value="${escapeHtml(field(query, n)!)}">`))
      .join('');
    const scopes = [...splitScopes(field(query, 'scope')), ...splitScopes(field(query, 'optional_scope'))];
    const cards = portals
      .map(
        (p) => `<div class="portal" data-portal-id="${p.portalId}">
<h2>${escapeHtml(p.hubDomain)}</h2><p>Account ID ${p.portalId}</p>
<form method="post" action="/oauth/authorize/approve">${hidden}<input type="hidden" name="portal_id" value="${p.portalId}">
<button type="submit" name="approve" value="${p.portalId}">Connect app to ${p.portalId}</button></form></div>`,
      )
      .join('\n');
    res.type('html').send(
      page(
        'Choose an account',
        `<h1>Choose an account</h1>
<p>The app is requesting access to: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>${cards}`,
      ),
    );
  }

  private grantable(portalId: number, scopes: string[]): string[] {
    const unavailable = this.deps.portals().find((p) => p.portalId === portalId)?.unavailableScopes ?? [];
    return scopes.filter((scope) => !unavailable.includes(scope));
  }

  private approve(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problem = this.authorizeProblem(body);
    if (problem) return this.errorPage(res, problem);
    const portalId = Number(field(body, 'portal_id'));
    if (!this.deps.portals().some((p) => p.portalId === portalId)) return this.errorPage(res, 'Unknown portal.');
    const code = randomUUID();
    const redirectUri = field(body, 'redirect_uri')!;
    this.codes.set(code, {
      portalId,
      redirectUri,
      used: false,
      expiresAt: this.deps.clock() + AUTH_CODE_TTL_MS,
      scopes: this.grantable(portalId, [...splitScopes(field(body, 'scope')), ...splitScopes(field(body, 'optional_scope'))]),
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const state = field(body, 'state');
    if (state !== undefined) target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  }

  /**
   * A Marketplace ("seamless") install: HubSpot runs the authorize step itself, then sends the
   * browser to the app's install URL with `code` and `returnUrl` and no state of the app's
   * (docs/hubspot-contracts.md, Installs). The code is bound to that install URL, like any other.
   */
  private marketplaceApprove(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const portalId = Number(field(body, 'portal_id'));
    const { app } = this.deps;
    if (!this.deps.portals().some((p) => p.portalId === portalId)) return this.errorPage(res, 'Unknown portal.');
    const installUrl = app.installUrl ?? app.redirectUris[0];
    if (!installUrl || !app.redirectUris.includes(installUrl))
      return this.errorPage(res, 'The app has no install URL among its redirect URLs.');
    const code = randomUUID();
    this.codes.set(code, {
      portalId,
      redirectUri: installUrl,
      used: false,
      expiresAt: this.deps.clock() + AUTH_CODE_TTL_MS,
      scopes: [...app.scopes],
    });
    const target = new URL(installUrl);
    target.searchParams.set('code', code);
    target.searchParams.set('returnUrl', `${this.deps.baseUrl()}${MARKETPLACE_DONE_PATH}?portalId=${portalId}`);
    res.redirect(302, target.toString());
  }

  private marketplaceDone(req: Request, res: Response): void {
    const portalId = Number(req.query.portalId);
    res.type('html').send(
      page(
        'App installed',
        `<h1>App installed</h1><p role="status">The app is connected to account ${Number.isInteger(portalId) ? portalId : '?'}.</p>
<p><a href="/_sandbox?portal=${Number.isInteger(portalId) ? portalId : ''}">Back to the sandbox portal</a></p>`,
      ),
    );
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
      const code = field(body, 'code');
      const record = code ? this.codes.get(code) : undefined;
      if (!record || record.used || this.deps.clock() >= record.expiresAt) {
        return this.oauthError(res, 400, 'invalid_grant', 'BAD_AUTH_CODE', 'missing or unknown auth code');
      }
      if (field(body, 'redirect_uri') !== record.redirectUri) {
        return this.oauthError(res, 400, 'invalid_grant', 'BAD_REDIRECT_URI', 'redirect_uri does not match initial auth code URL');
      }
      record.used = true;
      ({ portalId, scopes } = record);
      refreshToken = `na1-${randomUUID()}`;
      this.refreshTokens.set(refreshToken, { portalId, scopes, revoked: false });
    } else if (grantType === 'refresh_token') {
      const given = field(body, 'refresh_token');
      const record = given ? this.refreshTokens.get(given) : undefined;
      if (!given || !record || record.revoked) {
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
    const accessToken = this.newAccessToken(portalId, scopes, refreshToken);
    const common = {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: this.deps.accessTokenTtlSeconds,
      token_type: 'bearer',
    };
    res.json(version === 'v1' ? common : { ...common, token_use: 'access_token', hub_id: portalId, user_id: SANDBOX_USER_ID, scopes });
  }

  private accessInfo(token: string): Record<string, unknown> | undefined {
    const r = this.accessTokens.get(token);
    if (!r || r.revoked || this.deps.clock() >= r.expiresAt) return undefined;
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
    const r = this.refreshTokens.get(token);
    if (!r || r.revoked) return undefined;
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
              expiresAt: this.accessTokens.get(token)!.expiresAt,
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
    this.revokeToken(token);
    res.status(200).end();
  }

  /** Revoking a refresh token also ends the access tokens minted from it. */
  private revokeToken(token: string): boolean {
    const access = this.accessTokens.get(token);
    if (access) access.revoked = true;
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      refresh.revoked = true;
      for (const a of this.accessTokens.values()) if (a.refreshToken === token) a.revoked = true;
    }
    return Boolean(access ?? refresh);
  }

  routes(): Router {
    const router = express.Router();
    const form = express.urlencoded({ extended: false, limit: '16kb' });
    router.get('/oauth/authorize', (req, res) => this.authorizePage(req, res));
    router.get('/oauth/:portalId/authorize', (req, res) => this.authorizePage(req, res, Number(req.params.portalId)));
    router.post('/oauth/authorize/approve', form, (req, res) => this.approve(req, res));
    router.post(MARKETPLACE_APPROVE_PATH, form, (req, res) => this.marketplaceApprove(req, res));
    router.get(MARKETPLACE_DONE_PATH, (req, res) => this.marketplaceDone(req, res));
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
      this.revokeToken(req.params.token);
      res.status(204).end();
    });
    return router;
  }
}

import type { Request, Response } from 'express';
import { escapeHtml } from '../platform/html';
import type { OAuthTokens } from './oauth-tokens';

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

export const MARKETPLACE_APPROVE_PATH = '/oauth/marketplace/approve';
export const MARKETPLACE_DONE_PATH = '/_sandbox/marketplace/installed';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;color:#33475b}
.portal{border:1px solid #cbd6e2;border-radius:6px;padding:1rem;margin:1rem 0}
button{background:#ff7a59;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer}
.error{border-left:4px solid #f2545b;padding:.5rem 1rem;background:#fde8e9}</style></head>
<body>${body}</body></html>`;
}

export function splitScopes(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[\s+]+/).filter(Boolean) : [];
}

export function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The scopes of those asked for that the portal's edition has. */
export function grantable(portals: readonly PortalInfo[], portalId: number, scopes: string[]): string[] {
  const unavailable = portals.find((p) => p.portalId === portalId)?.unavailableScopes ?? [];
  return scopes.filter((scope) => !unavailable.includes(scope));
}

/** The browser side of an install: the account chooser, its approval, and the Marketplace install's pages. */
export class InstallPages {
  constructor(
    private readonly deps: { app: OAuthApp; portals: () => PortalInfo[]; baseUrl: () => string },
    private readonly tokens: OAuthTokens,
  ) {}

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

  authorizePage(req: Request, res: Response, onlyPortal?: number): void {
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

  approve(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problem = this.authorizeProblem(body);
    if (problem) return this.errorPage(res, problem);
    const portalId = Number(field(body, 'portal_id'));
    if (!this.deps.portals().some((p) => p.portalId === portalId)) return this.errorPage(res, 'Unknown portal.');
    const redirectUri = field(body, 'redirect_uri')!;
    const scopes = grantable(this.deps.portals(), portalId, [
      ...splitScopes(field(body, 'scope')),
      ...splitScopes(field(body, 'optional_scope')),
    ]);
    const code = this.tokens.newCode(portalId, redirectUri, scopes);
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
  marketplaceApprove(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const portalId = Number(field(body, 'portal_id'));
    const { app } = this.deps;
    if (!this.deps.portals().some((p) => p.portalId === portalId)) return this.errorPage(res, 'Unknown portal.');
    const installUrl = app.installUrl ?? app.redirectUris[0];
    if (!installUrl || !app.redirectUris.includes(installUrl))
      return this.errorPage(res, 'The app has no install URL among its redirect URLs.');
    const code = this.tokens.newCode(portalId, installUrl, [...app.scopes]);
    const target = new URL(installUrl);
    target.searchParams.set('code', code);
    target.searchParams.set('returnUrl', `${this.deps.baseUrl()}${MARKETPLACE_DONE_PATH}?portalId=${portalId}`);
    res.redirect(302, target.toString());
  }

  marketplaceDone(req: Request, res: Response): void {
    const portalId = Number(req.query.portalId);
    res.type('html').send(
      page(
        'App installed',
        `<h1>App installed</h1><p role="status">The app is connected to account ${Number.isInteger(portalId) ? portalId : '?'}.</p>
<p><a href="/_sandbox?portal=${Number.isInteger(portalId) ? portalId : ''}">Back to the sandbox portal</a></p>`,
      ),
    );
  }
}

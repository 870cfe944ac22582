import { safeReturnPath } from './admin-guard';
import express, { type Router } from 'express';
import type { PortalId } from '../crm/model';
import type { OAuthStateStore, PortalStore } from '../install/portal-store';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { type AdminSessions, hashSecret, newSecret } from './admin-sessions';
import { readCookie } from '../http/cookies';
import { escapeHtml } from '../platform/html';

/** Who signed in, as HubSpot says after the code exchange (token response + introspection). */
export interface SignedInUser {
  readonly portalId: PortalId;
  readonly userEmail: string | null;
  readonly userId: string | null;
}

export interface SignInRoutesDeps {
  readonly sessions: AdminSessions;
  readonly oauthStates: OAuthStateStore;
  readonly portals: Pick<PortalStore, 'get'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** HubSpot's authorize page (the sandbox's in sandbox mode), e.g. https://app.hubspot.com */
  readonly authBaseUrl: string;
  readonly clientId: string;
  /** The app's required scopes: HubSpot insists the authorize request names them. */
  readonly scopes: readonly string[];
  /** Absolute URL of `/admin/oauth/callback`; must be one of the app's redirect URLs. */
  readonly redirectUri: string;
  /** Exchanges the authorization code (the install module's OAuth client) and names the portal and user. */
  readonly identify: (code: string, redirectUri: string) => Promise<SignedInUser>;
  readonly secure: boolean;
}

/** The sign-in identity from the install module's OAuth client (v3 token exchange + introspection). */
export function identifyWithOAuth(client: {
  exchangeCode(code: string): Promise<{ accessToken: string }>;
  introspect(accessToken: string): Promise<{ hubId: number; user: string | null }>;
}) {
  return async (code: string): Promise<SignedInUser> => {
    const tokens = await client.exchangeCode(code);
    const info = await client.introspect(tokens.accessToken);
    return { portalId: info.hubId, userEmail: info.user, userId: null };
  };
}

export const SIGNIN_CALLBACK_PATH = '/admin/oauth/callback';
const STATE_TTL_MS = 10 * 60 * 1000;

function messagePage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f5f7fa;color:#1f2937;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(15,23,42,.08);padding:2rem 2.5rem;max-width:32rem}h1{font-size:1.4rem;margin-top:0}a{color:#1d4ed8;font-weight:600}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** Admin sign-in with HubSpot: `/admin/signin` → HubSpot authorize → `/admin/oauth/callback` → session. */
export function createSignInRoutes(deps: SignInRoutesDeps): Router {
  const router = express.Router();
  const browserCookie = deps.secure ? '__Host-personas_signin' : 'personas_signin';

  const returnCookie = deps.secure ? '__Host-personas_return' : 'personas_return';

  router.get('/admin/signin', async (req, res) => {
    const state = newSecret();
    const browser = newSecret();
    const now = deps.clock.now();
    await deps.oauthStates.save({
      stateHash: hashSecret(state),
      browserHash: hashSecret(browser),
      purpose: 'signin',
      createdAt: now,
      expiresAt: now + STATE_TTL_MS,
    });
    // The state is bound to this browser: a state lured into another browser is refused.
    res.cookie(browserCookie, browser, { httpOnly: true, sameSite: 'lax', secure: deps.secure, path: '/', maxAge: STATE_TTL_MS });
    const returnTo = safeReturnPath(req.query.returnTo);
    if (returnTo)
      res.cookie(returnCookie, returnTo, { httpOnly: true, sameSite: 'lax', secure: deps.secure, path: '/', maxAge: STATE_TTL_MS });
    const url = new URL('/oauth/authorize', deps.authBaseUrl);
    url.searchParams.set('client_id', deps.clientId);
    url.searchParams.set('redirect_uri', deps.redirectUri);
    url.searchParams.set('scope', deps.scopes.join(' '));
    url.searchParams.set('state', state);
    res.redirect(302, url.toString());
  });

  router.get(SIGNIN_CALLBACK_PATH, async (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const browser = readCookie(req, browserCookie);
    const returnTo = safeReturnPath(readCookie(req, returnCookie)) ?? '/admin/';
    res.clearCookie(browserCookie, { httpOnly: true, sameSite: 'lax', secure: deps.secure, path: '/' });
    res.clearCookie(returnCookie, { httpOnly: true, sameSite: 'lax', secure: deps.secure, path: '/' });
    const retry = '<p><a href="/admin/signin">Sign in again</a></p>';
    if (!code || !state || !browser) {
      res
        .status(400)
        .type('html')
        .send(messagePage('Sign-in did not complete', `<p>The sign-in link is incomplete or was opened in another browser.</p>${retry}`));
      return;
    }
    const outcome = await deps.oauthStates.consume(hashSecret(state), hashSecret(browser), 'signin', deps.clock.now());
    if (outcome !== 'ok') {
      deps.logger.warn({ outcome }, 'admin sign-in state refused');
      res
        .status(400)
        .type('html')
        .send(messagePage('Sign-in expired', `<p>This sign-in attempt is no longer valid (${escapeHtml(outcome)}).</p>${retry}`));
      return;
    }
    let user: SignedInUser;
    try {
      user = await deps.identify(code, deps.redirectUri);
    } catch (err) {
      deps.logger.warn({ err }, 'admin sign-in code exchange failed');
      res
        .status(502)
        .type('html')
        .send(messagePage('HubSpot did not confirm the sign-in', `<p>Please try again in a moment.</p>${retry}`));
      return;
    }
    const portal = await deps.portals.get(user.portalId);
    if (!portal || portal.state === 'uninstalled') {
      res
        .status(403)
        .type('html')
        .send(
          messagePage(
            'The app is not installed in this account',
            `<p>HubSpot account ${user.portalId} has not installed Personas. Install the app first, then sign in.</p>`,
          ),
        );
      return;
    }
    await deps.sessions.start(res, user);
    res.redirect(303, returnTo);
  });

  return router;
}

import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { progressSection, type InstallProgressSource } from './install-progress-page';
import type { InstallResult, InstallService } from './install-service';
import { OAuthTokenError } from './oauth-client';
import type { OAuthStateStore } from './portal-store';
import { readCookie } from '../http/cookies';
import { escapeHtml } from '../platform/html';

export interface OAuthRoutesDeps {
  readonly states: OAuthStateStore;
  readonly install: Pick<InstallService, 'completeInstall'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly clientId: string;
  readonly appBaseUrl: string;
  readonly authBaseUrl: string;
  readonly scopes: readonly string[];
  /** Granted only where the account has the feature; never a reason for the install to fail. */
  readonly optionalScopes?: readonly string[];
  /** The first sync's live figures on the installed page. */
  readonly progress?: InstallProgressSource;
}

export const INSTALL_COOKIE = 'personas_install';
const STATE_TTL_MS = 10 * 60_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;color:#33475b;line-height:1.5}</style></head>
<body>${body}</body></html>`;
}

/**
 * GET /oauth/install and GET /oauth/callback. Two ways in:
 * - our own install link: the state is single-use, expires after 10 minutes, and is bound to the
 *   browser that started the install by an HttpOnly cookie; a wrong, reused, expired or foreign
 *   state is refused before any code is exchanged;
 * - a Marketplace install, which HubSpot authorizes itself: `code` + `returnUrl` and no state.
 *   After the install the browser goes back to `returnUrl` only if it is a HubSpot URL.
 * Codes and tokens never reach logs or responses.
 */
export function createOAuthRoutes(deps: OAuthRoutesDeps): Router {
  const router = express.Router();
  const secure = deps.appBaseUrl.startsWith('https:');
  const redirectUri = `${deps.appBaseUrl}/oauth/callback`;
  const cookieAttributes = `Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${STATE_TTL_MS / 1000}${secure ? '; Secure' : ''}`;

  router.get('/oauth/install', async (req: Request, res: Response) => {
    const existing = readCookie(req, INSTALL_COOKIE);
    const browser = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
    const state = randomBytes(32).toString('base64url');
    const now = deps.clock.now();
    await deps.states.save({
      stateHash: sha256(state),
      browserHash: sha256(browser),
      purpose: 'install',
      createdAt: now,
      expiresAt: now + STATE_TTL_MS,
    });
    const url = new URL(`${deps.authBaseUrl}/oauth/authorize`);
    url.searchParams.set('client_id', deps.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', deps.scopes.join(' '));
    if (deps.optionalScopes && deps.optionalScopes.length > 0) url.searchParams.set('optional_scope', deps.optionalScopes.join(' '));
    url.searchParams.set('state', state);
    res.setHeader('Set-Cookie', `${INSTALL_COOKIE}=${browser}; ${cookieAttributes}`);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, url.toString().replace(/\+/g, '%20'));
  });

  /** Where a Marketplace install may send the browser back: HubSpot only, never an open redirect. */
  const authOrigin = new URL(deps.authBaseUrl).origin;
  const hubSpotReturnUrl = (raw: string): string | null => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return null;
    }
    if (url.username || url.password) return null;
    const hubspotHost = url.protocol === 'https:' && (url.hostname === 'hubspot.com' || url.hostname.endsWith('.hubspot.com'));
    return hubspotHost || url.origin === authOrigin ? url.toString() : null;
  };

  router.get('/oauth/callback', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const refuse = (status: number, message: string) =>
      res
        .status(status)
        .type('html')
        .send(
          page(
            'Install refused',
            `<h1>The install could not be completed</h1><p>${escapeHtml(message)}</p><p><a href="/oauth/install">Start the install again</a></p>`,
          ),
        );
    const query = req.query as Record<string, unknown>;
    if (typeof query.error === 'string') {
      deps.logger.info({ error: query.error.slice(0, 100) }, 'install not approved in HubSpot');
      return res
        .status(400)
        .type('html')
        .send(
          page(
            'Install cancelled',
            `<h1>The app was not installed</h1>
<p>HubSpot reports that the install was cancelled or not approved${query.error === 'access_denied' ? '' : ` (${escapeHtml(query.error.slice(0, 100))})`}. Nothing was connected and no data was read.</p>
<p><a href="/oauth/install">Install the app</a> when you are ready.</p>`,
          ),
        );
    }
    const state = typeof query.state === 'string' ? query.state : '';
    const code = typeof query.code === 'string' ? query.code : '';
    const returnUrl = typeof query.returnUrl === 'string' ? query.returnUrl : '';

    if (!state) {
      // A Marketplace install: HubSpot approved it itself and sends code + returnUrl, no state of ours.
      if (!code || !returnUrl) {
        deps.logger.warn(
          { hasCode: Boolean(code), hasReturnUrl: Boolean(returnUrl) },
          'install callback refused: no state and not a Marketplace install',
        );
        return refuse(
          400,
          'This install link is missing its security check. Start the install from this app or from the HubSpot Marketplace.',
        );
      }
      const result = await install(code, refuse);
      if (!result) return;
      const back = hubSpotReturnUrl(returnUrl);
      if (back) return res.redirect(302, back);
      deps.logger.warn(
        { portalId: result.portalId },
        'Marketplace install finished; returnUrl is not a HubSpot URL, showing our page instead',
      );
      return void (await installedPage(res, result));
    }

    const browser = readCookie(req, INSTALL_COOKIE);
    if (!browser) {
      deps.logger.warn({ hasState: true, hasCookie: false }, 'install callback refused: missing state or browser cookie');
      return refuse(400, 'This install link is missing its security check. Start the install from this app.');
    }
    const outcome = await deps.states.consume(sha256(state), sha256(browser), 'install', deps.clock.now());
    if (outcome !== 'ok') {
      deps.logger.warn({ outcome }, 'install callback refused: state check failed');
      return refuse(
        400,
        'This install link is not valid any more (expired, already used, or started in another browser). Start the install again.',
      );
    }
    if (!code) return refuse(400, 'HubSpot did not send an authorization code.');
    res.setHeader('Set-Cookie', `${INSTALL_COOKIE}=; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`);
    const result = await install(code, refuse);
    if (result) await installedPage(res, result);
  });

  async function install(code: string, refuse: (status: number, message: string) => unknown): Promise<InstallResult | null> {
    try {
      return await deps.install.completeInstall(code);
    } catch (err) {
      const rejected = err instanceof OAuthTokenError && err.kind === 'rejected';
      deps.logger.warn({ err }, 'install failed');
      refuse(
        rejected ? 400 : 502,
        rejected
          ? 'HubSpot did not accept the authorization code (it may have expired). Start the install again.'
          : 'The app could not finish setting up the portal. Try the install again in a minute.',
      );
      return null;
    }
  }

  async function installedPage(res: Response, result: InstallResult): Promise<void> {
    const domain = result.hubDomain ? ` (${escapeHtml(result.hubDomain)})` : '';
    const progress = deps.progress
      ? progressSection(deps.progress.links.issue(result.portalId, deps.clock.now()), await deps.progress.read(result.portalId))
      : '';
    res.type('html').send(
      page(
        'Installed',
        `<h1>${result.reinstall ? 'Reconnected' : 'Installed'}: portal ${result.portalId}${domain}</h1>
<p>What happens next: the app reads this portal's contacts page by page, each with its tickets, assigns every
contact a persona and writes it to the <strong>Persona</strong> contact property in HubSpot as soon as its page is read:
the first personas are in HubSpot within seconds, the rest follow at the pace HubSpot's rate limit allows
(up to about 24,000 contacts a minute). After that, changes are picked up automatically.</p>
${progress}
<p>Follow the progress on the <a href="/admin">admin page</a> too, or open any contact record in HubSpot to see its persona card.</p>`,
      ),
    );
  }

  return router;
}

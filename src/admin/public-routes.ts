import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { initialsAvatarSvg } from '../personas/engine';
import type { RuleSetAdminService } from '../personas/rule-set-admin-service';
import type { ShareLinks } from './share-links';
import { renderSharedGallery } from './shared-gallery-page';

export interface AdminPublicRoutesDeps {
  readonly ruleSetAdmin: Pick<RuleSetAdminService, 'live' | 'ruleSetAt'>;
  readonly shareLinks: ShareLinks;
  /** The built page (index.html, admin.js, admin.css): `npm run build:admin` writes it. */
  readonly pageDir?: string;
}

export const ADMIN_PAGE_DIR = path.join(__dirname, 'page', 'dist');

// Photos may be any https image an admin names; everything else comes from this host only. The
// editor (CodeMirror) adds its styles in <style> elements: they carry this response's nonce, and
// no other inline style or script is allowed.
const pageCsp = (nonce: string) =>
  `default-src 'self'; img-src 'self' data: https:; style-src 'self' 'nonce-${nonce}'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
const NONCE_SLOT = '{{CSP_NONCE}}';
const SHARE_CSP = "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/** Routes that need no admin session: the page shell, shared galleries and persona avatars. */
export function createAdminPublicRoutes(deps: AdminPublicRoutesDeps): Router {
  const router = express.Router();
  const pageDir = deps.pageDir ?? ADMIN_PAGE_DIR;

  // Non-strict routing also matches '/admin/' here; only the bare path is redirected.
  router.get('/admin', (req, res, next) => (req.originalUrl.split('?')[0] === '/admin' ? res.redirect(301, '/admin/') : next()));
  let shell: string | null = null;
  router.use(
    '/admin',
    (req, res, next) => {
      const nonce = randomBytes(16).toString('base64');
      res.setHeader('content-security-policy', pageCsp(nonce));
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'same-origin');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        next();
        return;
      }
      if (req.path !== '/' && req.path !== '/index.html') {
        next();
        return;
      }
      // The page shell is the one file that varies per response: it names the nonce for the bundle.
      try {
        shell ??= readFileSync(path.join(pageDir, 'index.html'), 'utf8');
      } catch {
        next();
        return;
      }
      res.setHeader('cache-control', 'no-store');
      res.type('html').send(shell.replace(NONCE_SLOT, nonce));
    },
    express.static(pageDir, { index: false, fallthrough: true, maxAge: 0 }),
  );
  router.get('/admin/', (_req, res) => {
    // Only reached when the bundle is missing: say how to build it rather than a bare 404.
    res.status(503).type('text/plain').send('The admin page is not built: run `npm run build:admin` (npm ci runs it as postinstall).');
  });

  router.get('/share/personas/:token', async (req, res) => {
    res.setHeader('content-security-policy', SHARE_CSP);
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-robots-tag', 'noindex');
    const shared = await deps.shareLinks.verify(String(req.params.token));
    if (!shared) {
      res
        .status(404)
        .type('html')
        .send(
          '<!doctype html><title>Link not valid</title><p style="font-family:system-ui;padding:2rem">This share link is not valid or has been revoked. Ask your marketing team for a new one.</p>',
        );
      return;
    }
    const ruleSet = await deps.ruleSetAdmin.ruleSetAt(shared.portalId, shared.version);
    res.setHeader('cache-control', 'private, no-store');
    res.type('html').send(renderSharedGallery(ruleSet, shared.version, (id) => deps.shareLinks.avatarQuery(shared.portalId, id)));
  });

  router.get('/static/personas/:file', async (req, res) => {
    const match = /^([a-z][a-z0-9_]{0,63})\.svg$/.exec(String(req.params.file));
    if (!match) {
      res.status(404).end();
      return;
    }
    const id = match[1];
    const portal = Number(req.query.portal);
    const signed =
      Number.isSafeInteger(portal) &&
      portal > 0 &&
      typeof req.query.sig === 'string' &&
      deps.shareLinks.verifyAvatar(portal, id, req.query.sig);
    // Without a valid signature only the default rule set's names are used: no portal's names leak.
    const { ruleSet } = await deps.ruleSetAdmin.live(signed ? portal : 0);
    const name = ruleSet.personas.find((p) => p.id === id)?.name ?? id.replace(/_/g, ' ');
    res.setHeader('cache-control', 'public, max-age=300');
    res.setHeader('x-content-type-options', 'nosniff');
    res.type('image/svg+xml').send(initialsAvatarSvg(name, id));
  });

  return router;
}

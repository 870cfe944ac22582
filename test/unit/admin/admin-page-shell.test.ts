import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createAdminPublicRoutes, type AdminPublicRoutesDeps } from '../../../src/admin/public-routes';

describe('the admin page shell', () => {
  const pageDir = mkdtempSync(path.join(tmpdir(), 'admin-shell-'));
  writeFileSync(path.join(pageDir, 'index.html'), '<meta name="csp-nonce" content="{{CSP_NONCE}}"><script defer src="admin.js"></script>');
  writeFileSync(path.join(pageDir, 'admin.js'), 'void 0;');
  // The shell and the bundle never touch rule sets or share links.
  const app = express().use(createAdminPublicRoutes({ pageDir } as unknown as AdminPublicRoutesDeps));

  const nonceOf = (res: request.Response) => {
    const fromCsp = /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(String(res.headers['content-security-policy']))?.[1];
    const fromPage = /content="([^"]+)"/.exec(res.text)?.[1];
    return { fromCsp, fromPage };
  };

  it('names a fresh nonce per response, the same in the CSP and in the page, and allows no other inline code', async () => {
    const first = await request(app).get('/admin/').expect(200);
    const second = await request(app).get('/admin/index.html').expect(200);
    const a = nonceOf(first);
    const b = nonceOf(second);
    expect(a.fromCsp).toHaveLength(24);
    expect(a.fromPage).toBe(a.fromCsp);
    expect(b.fromPage).toBe(b.fromCsp);
    expect(a.fromCsp).not.toBe(b.fromCsp);
    const csp = String(first.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(first.headers['cache-control']).toBe('no-store');
  });

  it('serves the bundle as a static file under the same policy', async () => {
    const res = await request(app).get('/admin/admin.js').expect(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.text).toBe('void 0;');
  });
});

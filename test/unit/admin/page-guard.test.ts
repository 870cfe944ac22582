import express from 'express';
import request from 'supertest';
import { requireAdmin, safeReturnPath } from '../../../src/admin/admin-guard';
import { createHttpApp } from '../../../src/http/create-http-app';
import { silentLogger } from '../../../src/platform/logger';

describe('the page guard', () => {
  const router = express.Router();
  router.get('/preview/thing', requireAdmin({ adminToken: 'a-long-admin-token-1234', signInPath: '/admin/signin' }), (_req, res) => {
    res.send('ok');
  });
  const app = createHttpApp({ logger: silentLogger, routers: [router], health: async () => ({ ok: true, checks: {} }) });

  it('sends a browser without a session to sign in, and back to the page it asked for', async () => {
    const res = await request(app).get('/preview/thing?portalId=1&contactId=2').set('accept', 'text/html').expect(302);
    expect(res.headers.location).toBe('/admin/signin?returnTo=%2Fpreview%2Fthing%3FportalId%3D1%26contactId%3D2');
  });

  it('still answers API clients with a JSON 401', async () => {
    const res = await request(app).get('/preview/thing').set('accept', 'application/json').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('lets the admin token through', async () => {
    await request(app).get('/preview/thing').set('authorization', 'Bearer a-long-admin-token-1234').expect(200, 'ok');
  });
});

describe('return paths after sign-in', () => {
  it('accepts paths on this app only', () => {
    expect(safeReturnPath('/preview/cards/persona?portalId=1')).toBe('/preview/cards/persona?portalId=1');
    for (const bad of [
      'https://evil.example/x',
      '//evil.example/x',
      '/\\evil.example',
      'preview',
      '/a\r\nSet-Cookie: x=1',
      42,
      undefined,
    ]) {
      expect(safeReturnPath(bad)).toBeNull();
    }
  });
});

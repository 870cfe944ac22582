import type { RequestHandler } from 'express';
import request from 'supertest';
import type { AdminPrincipal } from '../../../src/http/portal-access';
import { buildCardView } from '../../../src/card-api/build-card-view';
import {
  CARD_API_PATH,
  CARD_PREVIEW_PATH,
  CARD_RECOMPUTE_PATH,
  createCardRoutes,
  type CardQueries,
} from '../../../src/card-api/card-routes';
import type { CardView } from '../../../src/card-api/card-view';
import { createHttpApp } from '../../../src/http/create-http-app';
import { fixedClock } from '../../../src/platform/clock';
import { AppError } from '../../../src/platform/errors';
import { signV3 } from '../../../src/platform/hubspot-signature';
import { silentLogger } from '../../../src/platform/logger';
import { aPersona, aProfile } from '../../support/rule-set-builders';
import { anInput, NOW } from './card-fixtures';

const SECRET = 'card-test-secret';
const BASE = 'https://personas.example.com';

class FakeCardQueries implements CardQueries {
  readonly views = new Map<string, CardView>();
  readonly calls: string[] = [];

  add(portalId: number, contactId: string, overrides: Parameters<typeof anInput>[0] = {}): CardView {
    const view = buildCardView(anInput({ portalId, contactId, ...overrides }));
    this.views.set(`${portalId}/${contactId}`, view);
    return view;
  }

  async getCardView(portalId: number, contactId: string): Promise<CardView | null> {
    this.calls.push(`get ${portalId}/${contactId}`);
    return this.views.get(`${portalId}/${contactId}`) ?? null;
  }

  async recompute(portalId: number, contactId: string): Promise<CardView | null> {
    this.calls.push(`recompute ${portalId}/${contactId}`);
    return this.views.get(`${portalId}/${contactId}`) ?? null;
  }
}

const adminOf =
  (portals: 'all' | number[]): RequestHandler =>
  (req, _res, next) => {
    (req as typeof req & { admin: AdminPrincipal }).admin = { actor: 'test-admin', portals };
    next();
  };
const allowAdmin = adminOf('all');
const denyAdmin: RequestHandler = (_req, _res, next) => next(new AppError('unauthorized', 'Admin sign-in required'));

function appWith(queries: CardQueries, adminGuard: RequestHandler = allowAdmin) {
  return createHttpApp({
    logger: silentLogger,
    health: async () => ({ ok: true, checks: {} }),
    routers: [
      createCardRoutes({
        cardQueries: queries,
        clientSecret: SECRET,
        appBaseUrl: BASE,
        clock: fixedClock(NOW),
        logger: silentLogger,
        adminGuard,
      }),
    ],
  });
}

function signedHeaders(
  method: string,
  path: string,
  options: { secret?: string; timestamp?: number; signedPath?: string; body?: string } = {},
) {
  const timestamp = options.timestamp ?? NOW;
  const signature = signV3(
    { method, url: BASE + (options.signedPath ?? path), body: options.body ?? '' },
    options.secret ?? SECRET,
    timestamp,
  );
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
}

const cardPath = (portalId: number | string, contactId: number | string) => `${CARD_API_PATH}?portalId=${portalId}&contactId=${contactId}`;

describe('card API', () => {
  let queries: FakeCardQueries;
  beforeEach(() => {
    queries = new FakeCardQueries();
    queries.add(101, '501');
    queries.add(202, '501', { contact: { properties: { firstname: 'Other', lastname: 'Portal' } } });
  });

  it('answers a signed request with the card view of the signed portal, uncached', async () => {
    const path = cardPath(101, 501);
    const res = await request(appWith(queries)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual(queries.views.get('101/501'));
    expect(queries.calls).toEqual(['get 101/501']);
  });

  it('refuses a request whose portal was changed after signing', async () => {
    const res = await request(appWith(queries))
      .get(cardPath(202, 501))
      .set(signedHeaders('GET', cardPath(202, 501), { signedPath: cardPath(101, 501) }));

    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthorized' });
    expect(queries.calls).toEqual([]);
  });

  it.each([
    ['a stale timestamp', { timestamp: NOW - 6 * 60 * 1000 }],
    ['a timestamp too far in the future', { timestamp: NOW + 6 * 60 * 1000 }],
    ["another app's secret", { secret: 'someone-else' }],
  ])('refuses a signature made with %s', async (_name, options) => {
    const path = cardPath(101, 501);
    const res = await request(appWith(queries))
      .get(path)
      .set(signedHeaders('GET', path, options));

    expect(res.status).toBe(401);
    expect(queries.calls).toEqual([]);
  });

  it('refuses an unsigned request', async () => {
    const res = await request(appWith(queries)).get(cardPath(101, 501));

    expect(res.status).toBe(401);
    expect(queries.calls).toEqual([]);
  });

  it('refuses a signed URL that names two different portals', async () => {
    const path = `${CARD_API_PATH}?portalId=101&contactId=501&portalId=202`;
    const res = await request(appWith(queries)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(403);
    expect(queries.calls).toEqual([]);
  });

  it('accepts a portal id repeated with the same value, as HubSpot may append its own', async () => {
    const path = `${CARD_API_PATH}?portalId=101&contactId=501&userId=7&portalId=101`;
    const res = await request(appWith(queries)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(200);
    expect(res.body.portalId).toBe(101);
  });

  it.each([
    ['a missing contact id', `${CARD_API_PATH}?portalId=101`],
    ['a contact id that is not a number', cardPath(101, 'abc')],
    ['a portal id that is not a number', cardPath('1e3', 501)],
  ])('rejects %s as a bad request', async (_name, path) => {
    const res = await request(appWith(queries)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(400);
    expect(queries.calls).toEqual([]);
  });

  it('answers 404 with an error id for a contact the portal does not have', async () => {
    const path = cardPath(101, 999);
    const res = await request(appWith(queries)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', id: expect.any(String) });
  });

  it('never passes on a view that belongs to another portal than the signed one', async () => {
    const leaky: CardQueries = { getCardView: async () => queries.views.get('202/501')!, recompute: async () => null };
    const path = cardPath(101, 501);
    const res = await request(appWith(leaky)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('Other Portal');
  });

  it('recomputes on a signed POST and returns the fresh view', async () => {
    const path = `${CARD_RECOMPUTE_PATH}?portalId=101&contactId=501`;
    const res = await request(appWith(queries))
      .post(path)
      .set(signedHeaders('POST', path, { body: '{}' }))
      .set('content-type', 'application/json')
      .send('{}');

    expect(res.status).toBe(200);
    expect(res.body.contactId).toBe('501');
    expect(queries.calls).toEqual(['recompute 101/501']);
  });

  it('refuses an unsigned recompute', async () => {
    const res = await request(appWith(queries)).post(`${CARD_RECOMPUTE_PATH}?portalId=101&contactId=501`);

    expect(res.status).toBe(401);
    expect(queries.calls).toEqual([]);
  });
});

describe('card preview page', () => {
  it('renders the card as HTML for an admin, escaping what the rule set says', async () => {
    const queries = new FakeCardQueries();
    queries.add(101, '501', {
      ruleSet: {
        unassigned: { id: 'unassigned', label: 'No persona yet' },
        personas: [
          aPersona({ id: 'explorer', name: 'Eager <Explorer>', profile: aProfile({ talkingPoints: ['<script>alert(1)</script>'] }) }),
        ],
      },
    });

    const res = await request(appWith(queries)).get(`${CARD_PREVIEW_PATH}?portalId=101&contactId=501`);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('Eager &lt;Explorer&gt;');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>');
  });

  it('is closed to anyone the admin guard turns away', async () => {
    const queries = new FakeCardQueries();
    queries.add(101, '501');

    const res = await request(appWith(queries, denyAdmin)).get(`${CARD_PREVIEW_PATH}?portalId=101&contactId=501`);

    expect(res.status).toBe(401);
    expect(queries.calls).toEqual([]);
  });

  it('shows an admin signed in for one portal nothing of another portal', async () => {
    const queries = new FakeCardQueries();
    queries.add(202, '501');

    const res = await request(appWith(queries, adminOf([101]))).get(`${CARD_PREVIEW_PATH}?portalId=202&contactId=501`);

    expect(res.status).toBe(403);
    expect(queries.calls).toEqual([]);
  });

  it('answers 404 for a contact that is not synced', async () => {
    const res = await request(appWith(new FakeCardQueries())).get(`${CARD_PREVIEW_PATH}?portalId=101&contactId=501`);

    expect(res.status).toBe(404);
  });
});

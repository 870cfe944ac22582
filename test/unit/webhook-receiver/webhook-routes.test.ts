import express from 'express';
import request from 'supertest';
import { createErrorHandler } from '../../../src/http/error-handler';
import { createHttpApp } from '../../../src/http/create-http-app';
import { fixedClock } from '../../../src/platform/clock';
import { signV3 } from '../../../src/platform/hubspot-signature';
import { silentLogger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { createWebhookRoutes, WEBHOOK_ROUTE } from '../../../src/webhook-receiver/webhook-routes';

const SECRET = 'client-secret-for-webhook-tests';
const BASE = 'https://personas.example.com';
const NOW = Date.UTC(2026, 10, 28, 12);
const PORTAL = 555;

function anEvent(overrides: Record<string, unknown> = {}) {
  return {
    eventId: 1,
    subscriptionId: 10,
    portalId: PORTAL,
    appId: 424242,
    occurredAt: NOW - 1000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 101,
    propertyName: 'jobtitle',
    propertyValue: 'Analyst',
    changeSource: 'CRM',
    ...overrides,
  };
}

function signed(body: string, options: { url?: string; timestamp?: number; secret?: string } = {}) {
  const timestamp = options.timestamp ?? NOW;
  return {
    'content-type': 'application/json',
    'x-hubspot-request-timestamp': String(timestamp),
    'x-hubspot-signature-v3': signV3(
      { method: 'POST', url: options.url ?? `${BASE}${WEBHOOK_ROUTE}`, body },
      options.secret ?? SECRET,
      timestamp,
    ),
  };
}

describe('webhook intake', () => {
  let storage: Storage;
  let stores: Stores;
  let nudges: number;
  const clock = fixedClock(NOW);

  const routes = () =>
    createWebhookRoutes({
      inbox: stores.inbox,
      clientSecret: SECRET,
      appBaseUrl: BASE,
      clock,
      logger: silentLogger,
      onEnqueued: () => {
        nudges++;
      },
    });
  // As mounted in the app: the global JSON parser has read the body before the route sees it.
  const inApp = () => createHttpApp({ logger: silentLogger, routers: [routes()], health: async () => ({ ok: true, checks: {} }) });
  // Mounted alone: the route's own raw parser reads the body.
  const standalone = () => {
    const app = express();
    app.use(routes());
    app.use(createErrorHandler(silentLogger));
    return app;
  };

  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
    nudges = 0;
    clock.set(NOW);
  });
  afterEach(() => storage.close());

  const pending = async () => (await stores.inbox.backlog()).pending;

  describe.each([
    ['mounted in the app', inApp],
    ['mounted alone', standalone],
  ])('%s', (_name, makeApp) => {
    it('stores a correctly signed batch and acknowledges it', async () => {
      const body = JSON.stringify([anEvent(), anEvent({ eventId: 2, objectId: 102 })]);
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
      expect(await pending()).toBe(2);
      expect(nudges).toBe(1);
    });

    it('refuses a tampered body with 401 and stores nothing', async () => {
      const body = JSON.stringify([anEvent()]);
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(body)).send(body.replace('Analyst', 'Analysx'));
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/mismatch/);
      expect(await pending()).toBe(0);
    });

    it('refuses a request without a signature with 401 and stores nothing', async () => {
      const body = JSON.stringify([anEvent()]);
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set('content-type', 'application/json').send(body);
      expect(res.status).toBe(401);
      expect(await pending()).toBe(0);
    });

    it('refuses a signature older than five minutes, and one from the future', async () => {
      const body = JSON.stringify([anEvent()]);
      const stale = await request(makeApp())
        .post(WEBHOOK_ROUTE)
        .set(signed(body, { timestamp: NOW - 5 * 60_000 - 1 }))
        .send(body);
      const future = await request(makeApp())
        .post(WEBHOOK_ROUTE)
        .set(signed(body, { timestamp: NOW + 5 * 60_000 + 1 }))
        .send(body);
      expect([stale.status, future.status]).toEqual([401, 401]);
      expect(stale.body.error.message).toMatch(/stale/);
      expect(await pending()).toBe(0);
    });

    it('accepts a signature just inside the five-minute window', async () => {
      const body = JSON.stringify([anEvent()]);
      const res = await request(makeApp())
        .post(WEBHOOK_ROUTE)
        .set(signed(body, { timestamp: NOW - 5 * 60_000 }))
        .send(body);
      expect(res.status).toBe(200);
    });

    it('refuses a signature made for another URL or with another secret', async () => {
      const body = JSON.stringify([anEvent()]);
      const otherUrl = await request(makeApp())
        .post(WEBHOOK_ROUTE)
        .set(signed(body, { url: `http://127.0.0.1${WEBHOOK_ROUTE}` }))
        .send(body);
      const otherSecret = await request(makeApp())
        .post(WEBHOOK_ROUTE)
        .set(signed(body, { secret: 'someone-else' }))
        .send(body);
      expect([otherUrl.status, otherSecret.status]).toEqual([401, 401]);
      expect(await pending()).toBe(0);
    });

    it('signs over the query string as HubSpot called it', async () => {
      const body = JSON.stringify([anEvent()]);
      const path = `${WEBHOOK_ROUTE}?source=hubspot&x=1`;
      const ok = await request(makeApp())
        .post(path)
        .set(signed(body, { url: `${BASE}${path}` }))
        .send(body);
      const withoutQuery = await request(makeApp()).post(path).set(signed(body)).send(body);
      expect([ok.status, withoutQuery.status]).toEqual([200, 401]);
    });

    it('answers a signed but malformed batch with 400 naming the problem, and stores nothing', async () => {
      const body = JSON.stringify([anEvent(), anEvent({ portalId: 'five', occurredAt: undefined })]);
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['1.occurredAt', '1.portalId']);
      expect(await pending()).toBe(0);
    });

    it('answers a signed body that is an object rather than an array with 400', async () => {
      const body = JSON.stringify(anEvent());
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
      expect(res.status).toBe(400);
      expect(await pending()).toBe(0);
    });

    it('stores only once an event HubSpot delivers twice, even with a new eventId and attempt number', async () => {
      const first = JSON.stringify([anEvent(), anEvent()]);
      const retry = JSON.stringify([anEvent({ eventId: 99, attemptNumber: 1 }), anEvent({ objectId: 103 })]);
      const a = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(first)).send(first);
      const b = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(retry)).send(retry);
      expect([a.body, b.body]).toEqual([
        { accepted: 1, duplicates: 1 },
        { accepted: 1, duplicates: 1 },
      ]);
      expect(await pending()).toBe(2);
    });

    it('keeps two changes of the same property at different times apart', async () => {
      const body = JSON.stringify([anEvent(), anEvent({ occurredAt: NOW - 500 })]);
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
      expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    });

    it('acknowledges and stores event types it does not act on, so HubSpot does not retry them', async () => {
      const body = JSON.stringify([anEvent({ subscriptionType: 'deal.creation', propertyName: undefined, propertyValue: undefined })]);
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
      expect(res.status).toBe(200);
      expect(await pending()).toBe(1);
    });

    it('refuses a body over the size limit with 413 and stores nothing', async () => {
      const body = JSON.stringify(Array.from({ length: 900 }, (_, i) => anEvent({ objectId: i, propertyValue: 'x'.repeat(600) })));
      expect(Buffer.byteLength(body)).toBeGreaterThan(512 * 1024);
      const res = await request(makeApp()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
      expect(res.status).toBe(413);
      expect(await pending()).toBe(0);
    });
  });

  it('checks the signature before parsing, so an unsigned body that is not JSON gets 401', async () => {
    const res = await request(standalone()).post(WEBHOOK_ROUTE).set('content-type', 'text/plain').send('{not json');
    expect(res.status).toBe(401);
  });

  it('answers a signed body that is not JSON with 400', async () => {
    const body = '[{"portalId": 5,';
    const res = await request(standalone()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });

  it('keeps the event as HubSpot sent it, unknown fields included', async () => {
    const body = JSON.stringify([anEvent({ somethingNew: { nested: true } })]);
    await request(standalone()).post(WEBHOOK_ROUTE).set(signed(body)).send(body);
    const [item] = await stores.inbox.claim(10, NOW);
    expect(item!.event).toMatchObject({ somethingNew: { nested: true }, propertyValue: 'Analyst' });
    expect(item!.occurredAt).toBe(NOW - 1000);
    expect(item!.portalId).toBe(PORTAL);
  });
});

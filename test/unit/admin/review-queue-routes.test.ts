import request from 'supertest';
import { requireAdmin } from '../../../src/admin/admin-guard';
import { createReviewQueueRoutes } from '../../../src/admin/review-queue-routes';
import { createHttpApp } from '../../../src/http/create-http-app';
import { silentLogger } from '../../../src/platform/logger';
import { ReviewQueueService } from '../../../src/personas/review-queue-service';
import type { Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { openSqliteForTest } from '../../support/databases';

const P = 101;
const T0 = 1_700_000_000_000;
const TOKEN = 'review-queue-test-token-0123';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('the review queue API', () => {
  let storage: Storage;
  let stores: Stores;
  let overrides: { contactId: string; persona: string; by: string }[];
  let app: ReturnType<typeof createHttpApp>;

  beforeEach(async () => {
    storage = await openSqliteForTest();
    stores = createStores(storage);
    overrides = [];
    const contacts = ['1', '2', '3', '4', '5'].map((id) => ({
      id,
      email: `c${id}@example.com`,
      properties: { firstname: `First${id}`, lastname: 'Doe' },
      hsUpdatedAt: T0,
      archived: false,
    }));
    await stores.crm.upsertContacts(P, contacts, T0);
    const computed = (contactId: string, personaId: string, margin: number | null) => ({
      contactId,
      personaId,
      score: 60,
      secondary: [],
      journeyStage: 'awareness',
      ruleSetVersion: 1,
      needsWrite: false,
      explanation: {
        firedRules: [{ label: 'Analyst title', points: 30 }],
        score: 60,
        threshold: 50,
        runnerUp: { personaId: 'ops', score: 60 - (margin ?? 30), threshold: 50, qualifies: true },
      },
      review: margin === null ? null : { reason: 'close-call' as const, margin },
    });
    await stores.assignments.saveComputed(
      P,
      [
        computed('1', 'analyst', 3),
        computed('2', 'analyst', 1),
        computed('3', 'ops', 2),
        computed('4', 'analyst', 4),
        computed('5', 'analyst', null),
      ],
      'sync',
      T0,
    );
    const service = new ReviewQueueService({
      assignments: stores.assignments,
      crm: stores.crm,
      audit: stores.audit,
      now: () => T0 + 1,
      personaIds: async () => new Set(['analyst', 'ops', 'unassigned']),
      applyOverride: async (_portalId, contactId, override) => {
        overrides.push({ contactId, persona: override.persona, by: override.by });
      },
    });
    app = createHttpApp({
      logger: silentLogger,
      health: async () => ({ ok: true, checks: {} }),
      routers: [createReviewQueueRoutes({ guard: requireAdmin({ adminToken: TOKEN }), reviewQueue: service })],
    });
  });
  afterEach(async () => {
    await storage.close();
  });

  const page = (query = '') => request(app).get(`/api/admin/portals/${P}/review-queue${query}`).set(auth);
  const decide = (contactId: string, body: unknown) =>
    request(app)
      .post(`/api/admin/portals/${P}/review-queue/${contactId}`)
      .set(auth)
      .send(body as object);

  it('pages close calls closest first with names, and gives the size alone for limit=0', async () => {
    const first = await page('?limit=2').expect(200);
    expect(first.body.size).toBe(4);
    expect(first.body.items.map((i: { contactId: string }) => i.contactId)).toEqual(['2', '3']);
    expect(first.body.items[0]).toMatchObject({
      name: 'First2 Doe',
      email: 'c2@example.com',
      personaId: 'analyst',
      reason: 'close-call',
      margin: 1,
    });
    const second = await page(`?limit=2&cursor=${encodeURIComponent(first.body.next)}`).expect(200);
    expect(second.body.items.map((i: { contactId: string }) => i.contactId)).toEqual(['1', '4']);
    expect(second.body.next).toBeNull();
    expect((await page('?limit=0').expect(200)).body).toEqual({ size: 4, items: [], next: null });
  });

  it('confirms with an override equal to the computed persona, picks another, dismisses: each audited and out of the queue', async () => {
    expect((await decide('2', { action: 'confirm' }).expect(200)).body).toEqual({ personaId: 'analyst' });
    expect((await decide('3', { action: 'pick', personaId: 'analyst' }).expect(200)).body).toEqual({ personaId: 'analyst' });
    expect((await decide('1', { action: 'dismiss' }).expect(200)).body).toEqual({ personaId: null });

    expect(overrides).toEqual([
      { contactId: '2', persona: 'analyst', by: expect.any(String) },
      { contactId: '3', persona: 'analyst', by: expect.any(String) },
    ]);
    expect((await page()).body.items.map((i: { contactId: string }) => i.contactId)).toEqual(['4']);
    const audit = await stores.audit.list(P, { limit: 10 });
    expect(audit.map((e) => [e.action, e.target]).sort()).toEqual([
      ['review.confirm', 'contact:2'],
      ['review.dismiss', 'contact:1'],
      ['review.pick', 'contact:3'],
    ]);
    expect(audit.find((e) => e.action === 'review.pick')?.diff).toEqual({ personaId: 'analyst', computed: 'ops', reason: 'close-call' });
  });

  it('answers 409 to a second decision on the same contact, and changes nothing', async () => {
    await decide('2', { action: 'dismiss' }).expect(200);
    const again = await decide('2', { action: 'confirm' }).expect(409);
    expect(again.body.error.message).toMatch(/not in the review queue/);
    expect(overrides).toEqual([]);
    expect(await stores.audit.list(P, { limit: 10 })).toHaveLength(1);
  });

  it('refuses bad input by name: an unknown persona, an unknown action, a forged cursor', async () => {
    const unknown = await decide('2', { action: 'pick', personaId: 'astronaut' }).expect(400);
    expect(unknown.body.error.details).toEqual([{ path: 'personaId', message: 'not a persona of the live rule set' }]);
    expect((await page()).body.size).toBe(4);
    await decide('2', { action: 'promote' }).expect(400);
    const forged = await page('?cursor=not-a-cursor').expect(400);
    expect(forged.body.error.details[0].path).toBe('cursor');
    await decide('99', { action: 'dismiss' }).expect(404);
  });

  it('is closed without the admin token', async () => {
    await request(app).get(`/api/admin/portals/${P}/review-queue`).expect(401);
  });
});

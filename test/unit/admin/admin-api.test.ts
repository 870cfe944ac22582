import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { createAdmin } from '../../../src/admin/create-admin';
import { createHttpApp } from '../../../src/http/create-http-app';
import { fixedClock } from '../../../src/platform/clock';
import { silentLogger } from '../../../src/platform/logger';
import type { Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { openSqliteForTest } from '../../support/databases';
import { aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';
import { RuleSetService } from '../../../src/personas/rule-set-service';

const A = 7001;
const B = 7002;
const T0 = Date.UTC(2026, 10, 1);
const ADMIN_TOKEN = 'automation-token-0123456789';
const defaultRuleSet = aRuleSet([
  aPersona({
    id: 'analyst',
    name: 'Analyst Ann',
    threshold: 10,
    rules: [aRule({ property: 'jobtitle', contains: 'analyst' }, 10, 'Analyst')],
  }),
]);

describe('admin API', () => {
  let storage: Storage;
  let stores: Stores;
  let app: Express;
  let rescored: number[];

  beforeEach(async () => {
    storage = await openSqliteForTest();
    stores = createStores(storage);
    rescored = [];
    for (const portalId of [A, B]) {
      await stores.portals.upsert({
        portalId,
        hubDomain: `p${portalId}.example`,
        state: 'installed',
        scopes: ['oauth'],
        accessTokenEnc: null,
        refreshTokenEnc: null,
        accessExpiresAt: null,
        installedAt: T0,
        updatedAt: T0,
        installedBy: null,
        lastError: null,
      });
    }
    await stores.crm.upsertContacts(
      A,
      [{ id: '1', email: 'ann@a.example', properties: { firstname: 'Ann', jobtitle: 'Analyst' }, hsUpdatedAt: T0, archived: false }],
      T0,
    );
    const admin = createAdmin({
      stores,
      clock: fixedClock(T0),
      logger: silentLogger,
      adminToken: ADMIN_TOKEN,
      appBaseUrl: 'http://127.0.0.1:3000',
      encryptionKey: randomBytes(32),
      rules: new RuleSetService({ ruleSets: stores.ruleSets, clock: fixedClock(T0), defaultRuleSet: () => defaultRuleSet }),
      oauth: {
        authBaseUrl: 'http://hubspot.test',
        clientId: 'client-1',
        scopes: ['oauth'],
        // The code names the portal, as HubSpot's token response would.
        identify: async (code) => ({ portalId: Number(code.replace('code-for-', '')), userEmail: `admin@${code}.example`, userId: '9' }),
      },
      syncPropertyOptions: async () => undefined,
      rescore: async (portalId) => {
        rescored.push(portalId);
      },
    });
    app = createHttpApp({ logger: silentLogger, routers: admin.routers, health: async () => ({ ok: true, checks: {} }) });
  });
  afterEach(async () => {
    await storage.close();
  });

  /** Runs the real sign-in: /admin/signin → (HubSpot) → callback; returns the cookie and CSRF token. */
  async function signIn(portalId: number): Promise<{ cookie: string; csrf: string }> {
    const start = await request(app).get('/admin/signin').expect(302);
    const location = new URL(start.headers.location);
    expect(location.origin + location.pathname).toBe('http://hubspot.test/oauth/authorize');
    expect(location.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/admin/oauth/callback');
    const browser = (start.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const callback = await request(app)
      .get(`/admin/oauth/callback?code=code-for-${portalId}&state=${location.searchParams.get('state')}`)
      .set('cookie', browser)
      .expect(303);
    const setCookie = (callback.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('personas_admin='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(';')[0];
    const session = await request(app).get('/api/admin/session').set('cookie', cookie).expect(200);
    return { cookie, csrf: session.body.csrfToken };
  }

  it('refuses every admin route without a session or token', async () => {
    await request(app).get('/api/admin/session').expect(401);
    await request(app).get(`/api/admin/portals/${A}/rule-sets/live`).expect(401);
    await request(app).get(`/api/admin/portals/${A}/rule-sets/live`).set('authorization', 'Bearer wrong-token-000000').expect(401);
  });

  it('signs an admin in and binds the session to the portal HubSpot named', async () => {
    const { cookie } = await signIn(A);
    const session = await request(app).get('/api/admin/session').set('cookie', cookie).expect(200);
    expect(session.body).toMatchObject({
      actor: 'admin@code-for-7001.example',
      via: 'session',
      portals: [{ portalId: A, hubDomain: 'p7001.example' }],
    });
    await request(app).get(`/api/admin/portals/${A}/rule-sets/live`).set('cookie', cookie).expect(200);
  });

  it('refuses a session of one portal on another portal', async () => {
    const { cookie, csrf } = await signIn(A);
    await request(app).get(`/api/admin/portals/${B}/rule-sets/live`).set('cookie', cookie).expect(403);
    await request(app).get(`/api/admin/portals/${B}/dashboard`).set('cookie', cookie).expect(403);
    await request(app)
      .post(`/api/admin/portals/${B}/rule-sets/publish`)
      .set('cookie', cookie)
      .set('x-csrf-token', csrf)
      .send({ ruleSet: defaultRuleSet })
      .expect(403);
    expect(await stores.ruleSets.list(B)).toEqual([]);
  });

  it('refuses a sign-in callback from another browser, and a replayed one', async () => {
    const start = await request(app).get('/admin/signin').expect(302);
    const state = new URL(start.headers.location).searchParams.get('state');
    await request(app)
      .get(`/admin/oauth/callback?code=code-for-${A}&state=${state}`)
      .set('cookie', 'personas_signin=someone-else')
      .expect(400);
    await request(app).get(`/admin/oauth/callback?code=code-for-${A}&state=${state}`).expect(400);
    const browser = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    await request(app).get(`/admin/oauth/callback?code=code-for-${A}&state=${state}`).set('cookie', browser).expect(303);
    await request(app).get(`/admin/oauth/callback?code=code-for-${A}&state=${state}`).set('cookie', browser).expect(400);
  });

  it('refuses a sign-in for a portal that has not installed the app', async () => {
    const start = await request(app).get('/admin/signin').expect(302);
    const state = new URL(start.headers.location).searchParams.get('state');
    const browser = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const res = await request(app).get(`/admin/oauth/callback?code=code-for-999&state=${state}`).set('cookie', browser).expect(403);
    expect(res.headers['set-cookie']?.toString() ?? '').not.toMatch(/personas_admin=/);
  });

  it('refuses state-changing session requests without the CSRF token, and accepts bearer requests without one', async () => {
    const { cookie, csrf } = await signIn(A);
    await request(app)
      .post(`/api/admin/portals/${A}/rule-sets/publish`)
      .set('cookie', cookie)
      .send({ ruleSet: defaultRuleSet })
      .expect(403);
    await request(app)
      .post(`/api/admin/portals/${A}/rule-sets/publish`)
      .set('cookie', cookie)
      .set('x-csrf-token', 'forged')
      .send({ ruleSet: defaultRuleSet })
      .expect(403);
    expect(await stores.ruleSets.list(A)).toEqual([]);
    await request(app)
      .post(`/api/admin/portals/${A}/rule-sets/publish`)
      .set('cookie', cookie)
      .set('x-csrf-token', csrf)
      .send({ ruleSet: defaultRuleSet })
      .expect(201);
    await request(app)
      .post(`/api/admin/portals/${B}/rule-sets/publish`)
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ ruleSet: defaultRuleSet })
      .expect(201);
    expect(rescored).toEqual([A, B]);
  });

  it('refuses a publish that moves contacts out of a value a workflow uses unless the request confirms their number', async () => {
    const asked: string[][] = [];
    let flowsReadable = true;
    const guarded = createAdmin({
      stores,
      clock: fixedClock(T0),
      logger: silentLogger,
      adminToken: ADMIN_TOKEN,
      appBaseUrl: 'http://127.0.0.1:3000',
      encryptionKey: randomBytes(32),
      rules: new RuleSetService({ ruleSets: stores.ruleSets, clock: fixedClock(T0), defaultRuleSet: () => defaultRuleSet }),
      oauth: {
        authBaseUrl: 'http://hubspot.test',
        clientId: 'client-1',
        scopes: ['oauth'],
        identify: async () => ({ portalId: A, userEmail: null, userId: '9' }),
      },
      syncPropertyOptions: async () => undefined,
      rescore: async () => undefined,
      personaUsage: async (_portalId, values) => {
        asked.push([...values]);
        const item = {
          kind: 'workflow' as const,
          id: '9001',
          name: 'Nurture analysts',
          where: 'branch' as const,
          values: ['analyst'],
          enabled: true,
        };
        return {
          lists: { status: 'checked', items: [] },
          workflows: flowsReadable
            ? { status: 'checked', items: values.includes('analyst') ? [item] : [] }
            : { status: 'could-not-check', reason: 'no scope' },
        };
      },
    });
    const guardedApp = createHttpApp({ logger: silentLogger, routers: guarded.routers, health: async () => ({ ok: true, checks: {} }) });
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const publish = (body: object) => request(guardedApp).post(`/api/admin/portals/${A}/rule-sets/publish`).set(auth).send(body);

    // Nothing moves: no confirmation needed, and HubSpot is not asked.
    await publish({ ruleSet: defaultRuleSet }).expect(201);
    expect(asked).toEqual([]);

    // Ann (the one analyst) would leave "analyst", which the workflow branches on.
    const stricter = aRuleSet([{ ...defaultRuleSet.personas[0], threshold: 99 }]);
    const missing = await publish({ ruleSet: stricter }).expect(409);
    expect(missing.body.error.message).toBe(
      'Publishing needs a typed confirmation: 1 contact would leave persona values that workflow "Nurture analysts" uses. Send "confirmAffected": 1 to publish anyway.',
    );
    expect(missing.body.error.details).toEqual([{ path: 'confirmAffected', message: 'must be 1' }]);
    const wrong = await publish({ ruleSet: stricter, confirmAffected: 2 }).expect(409);
    expect(wrong.body.error.message).toContain('does not match');
    await publish({ ruleSet: stricter, confirmAffected: -1 }).expect(400);
    expect((await stores.ruleSets.list(A)).map((v) => v.version)).toEqual([1]);

    await publish({ ruleSet: stricter, confirmAffected: 1 }).expect(201);
    expect((await stores.ruleSets.list(A)).length).toBe(2);
    expect(asked.at(-1)).toEqual(['analyst']);

    // When HubSpot cannot say, the page shows "could not check" and nothing is counted: no confirmation.
    flowsReadable = false;
    await publish({ ruleSet: defaultRuleSet }).expect(201);

    // A rollback republishes an older version and moves contacts the same way: the same confirmation.
    flowsReadable = true;
    const rollback = (to: number, body?: object) => {
      const r = request(guardedApp).post(`/api/admin/portals/${A}/rule-sets/rollback/${to}`).set(auth);
      return body === undefined ? r : r.send(body);
    };
    const unconfirmed = await rollback(2).expect(409);
    expect(unconfirmed.body.error.message).toBe(
      'Rolling back needs a typed confirmation: 1 contact would leave persona values that workflow "Nurture analysts" uses. Send "confirmAffected": 1 to roll back anyway.',
    );
    await rollback(2, { confirmAffected: 3 }).expect(409);
    await rollback(2, { confirmAffected: 'one' }).expect(400);
    expect((await stores.ruleSets.list(A)).length).toBe(3);
    await rollback(2, { confirmAffected: 1 }).expect(201);
    // Back to the default rules: nobody leaves a used value, so none is asked.
    await rollback(1).expect(201);
    expect((await stores.ruleSets.list(A)).map((v) => v.note)).toEqual(
      expect.arrayContaining(['rollback to version 2', 'rollback to version 1']),
    );
  });

  it('refuses to publish an invalid rule set, naming each path, and keeps the live version', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    await request(app).post(`/api/admin/portals/${A}/rule-sets/publish`).set(auth).send({ ruleSet: defaultRuleSet }).expect(201);
    const bad = {
      ...defaultRuleSet,
      personas: [
        { ...defaultRuleSet.personas[0], threshold: 'ten', rules: [{ label: 'x', points: 1, when: { property: 'a', matches: '(' } }] },
      ],
    };
    const res = await request(app).post(`/api/admin/portals/${A}/rule-sets/publish`).set(auth).send({ ruleSet: bad }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['personas[0].threshold', 'personas[0].rules[0].when.matches']),
    );
    const live = await request(app).get(`/api/admin/portals/${A}/rule-sets/live`).set(auth).expect(200);
    expect(live.body.version).toBe(1);
    const validate = await request(app).post(`/api/admin/portals/${A}/rule-sets/validate`).set(auth).send({ ruleSet: bad }).expect(200);
    expect(validate.body.ok).toBe(false);
  });

  it('explains a contact with every persona and rule, and audits overrides', async () => {
    const { cookie, csrf } = await signIn(A);
    await stores.assignments.saveComputed(
      A,
      [
        {
          contactId: '1',
          personaId: 'analyst',
          score: 10,
          secondary: [],
          journeyStage: 'awareness',
          explanation: {},
          ruleSetVersion: 0,
          needsWrite: false,
        },
      ],
      'sync',
      T0,
    );
    const explained = await request(app).get(`/api/admin/portals/${A}/contacts/1`).set('cookie', cookie).expect(200);
    expect(explained.body.evaluation.personas).toEqual([
      expect.objectContaining({ personaId: 'analyst', score: 10, qualifies: true, rules: [{ label: 'Analyst', points: 10, fired: true }] }),
    ]);
    await request(app)
      .put(`/api/admin/portals/${A}/contacts/1/override`)
      .set('cookie', cookie)
      .set('x-csrf-token', csrf)
      .send({ personaId: 'nobody' })
      .expect(400);
    await request(app)
      .put(`/api/admin/portals/${A}/contacts/1/override`)
      .set('cookie', cookie)
      .set('x-csrf-token', csrf)
      .send({ personaId: 'unassigned' })
      .expect(200);
    expect((await stores.assignments.get(A, '1'))?.override).toMatchObject({ persona: 'unassigned', by: 'admin@code-for-7001.example' });
    await request(app).delete(`/api/admin/portals/${A}/contacts/1/override`).set('cookie', cookie).set('x-csrf-token', csrf).expect(204);
    expect((await stores.assignments.get(A, '1'))?.override).toBeNull();
    expect((await stores.audit.list(A, { limit: 5 })).map((e) => e.action)).toEqual(['override.clear', 'override.set']);
  });

  it('serves a shared gallery without a session until the link is revoked', async () => {
    const { cookie, csrf } = await signIn(A);
    const share = await request(app)
      .post(`/api/admin/portals/${A}/gallery/share`)
      .set('cookie', cookie)
      .set('x-csrf-token', csrf)
      .expect(201);
    const path = new URL(share.body.url).pathname;
    const page = await request(app).get(path).expect(200);
    expect(page.text).toContain('Analyst Ann');
    expect(page.text).not.toMatch(/<script/);
    await request(app)
      .get(`${path.slice(0, -2)}xx`)
      .expect(404);
    await request(app).post(`/api/admin/portals/${A}/gallery/share/revoke`).set('cookie', cookie).set('x-csrf-token', csrf).expect(204);
    await request(app).get(path).expect(404);
  });

  it('signs out by deleting the session', async () => {
    const { cookie, csrf } = await signIn(A);
    await request(app).delete('/api/admin/session').set('cookie', cookie).set('x-csrf-token', csrf).expect(204);
    await request(app).get('/api/admin/session').set('cookie', cookie).expect(401);
  });

  it('puts the newest survey comments of a persona\'s contacts on its gallery sheet as "What they say"', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const personaId = defaultRuleSet.personas[0].id;
    await stores.assignments.saveComputed(
      A,
      [
        {
          contactId: '1',
          personaId,
          score: 50,
          secondary: [],
          journeyStage: 'awareness',
          explanation: null,
          ruleSetVersion: 1,
          needsWrite: false,
        },
      ],
      'sync',
      T0,
    );
    await stores.crm.upsertSurveys(
      A,
      [
        {
          id: 's1',
          properties: { hs_survey_type: 'NPS', hs_value: '9', hs_content: 'Reports save me hours.' },
          createdAt: Date.parse('2026-10-02T00:00:00Z'),
          hsUpdatedAt: T0,
        },
        {
          id: 's2',
          properties: { hs_survey_type: 'CSAT', hs_value: '2', hs_content: 'Support was slow.' },
          createdAt: Date.parse('2026-10-20T00:00:00Z'),
          hsUpdatedAt: T0,
        },
      ],
      T0,
    );
    await stores.crm.replaceContactSurveys(
      A,
      ['1'],
      [
        { contactId: '1', surveyId: 's1' },
        { contactId: '1', surveyId: 's2' },
      ],
    );

    const gallery = await request(app).get(`/api/admin/portals/${A}/gallery/personas`).set(auth).expect(200);

    expect(gallery.body.personas.find((p: { id: string }) => p.id === personaId).whatTheySay).toEqual([
      { comment: 'Support was slow.', type: 'CSAT', score: 2, date: '2026-10-20' },
      { comment: 'Reports save me hours.', type: 'NPS', score: 9, date: '2026-10-02' },
    ]);
    expect(
      gallery.body.personas
        .filter((p: { id: string }) => p.id !== personaId)
        .every((p: { whatTheySay: unknown[] }) => p.whatTheySay.length === 0),
    ).toBe(true);
  });

  it('draws the persona names of a portal in avatars only with a signed portal query', async () => {
    const svgText = (path: string) =>
      request(app)
        .get(path)
        .buffer(true)
        .parse((r, done) => {
          let text = '';
          r.on('data', (c: Buffer) => {
            text += c.toString();
          });
          r.on('end', () => done(null, text));
        })
        .expect(200);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const renamed = { ...defaultRuleSet, personas: [{ ...defaultRuleSet.personas[0], name: 'Secret Sauce' }] };
    await request(app).post(`/api/admin/portals/${A}/rule-sets/publish`).set(auth).send({ ruleSet: renamed }).expect(201);
    const gallery = await request(app).get(`/api/admin/portals/${A}/gallery/personas`).set(auth).expect(200);
    const signedUrl: string = gallery.body.personas[0].photoUrl;
    expect(signedUrl).toMatch(/^\/static\/personas\/test\.svg\?portal=7001&sig=/);

    const signed = await svgText(signedUrl.replace('test.svg', 'analyst.svg'));
    expect(signed.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(signed.body).toContain('Secret Sauce');
    expect((await svgText(`/static/personas/analyst.svg?portal=${A}`)).body).toContain('Analyst Ann');
    expect((await svgText(`/static/personas/analyst.svg?portal=${A}&sig=forged-signature-00000`)).body).not.toContain('Secret Sauce');
    await request(app).get('/static/personas/..%2Fsecret.svg').expect(404);
  });
});

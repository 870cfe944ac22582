import { signV3 } from '../../src/platform/hubspot-signature';
import type { Storage } from '../../src/storage/connect';
import { WEBHOOK_ROUTE } from '../../src/webhook-receiver/webhook-routes';
import { WORKFLOW_ACTION_PATH } from '../../src/workflow-action/workflow-action-routes';
import { engines } from '../support/databases';
import { startHostileApp, type HostileApp } from './support/hostile-app';

/** `{"not":{"not":…{"property":"jobtitle","exists":true}…}}`, `depth` levels, as text (building it as an object would recurse). */
const deepCondition = (depth: number) => `${'{"not":'.repeat(depth)}{"property":"jobtitle","exists":true}${'}'.repeat(depth)}`;

describe.each(engines)('hostile input: malformed requests answer 4xx and log at most a warning (%s)', (_engine, open) => {
  let storage: Storage;
  let app: HostileApp;
  let base: string;

  beforeAll(async () => {
    storage = await open();
    app = await startHostileApp(storage);
    base = app.harness.appBaseUrl;
  }, 120_000);
  afterAll(async () => {
    await app?.harness.close();
    await storage?.close();
  }, 120_000);
  afterEach(() => expect(app.takeErrors()).toEqual([]));

  const signedHeaders = (method: string, path: string, body: string) => {
    const timestamp = Date.now();
    return {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signV3(
        { method, url: `${app.harness.config.appBaseUrl}${path}`, body },
        app.harness.config.hubspot.clientSecret,
        timestamp,
      ),
    };
  };

  describe.each(['gzip', 'deflate', 'br'])('Content-Encoding: %s on a body that is not compressed', (encoding) => {
    it.each([
      ['an unauthenticated unknown path', '/nothing/here', false],
      ['the webhook intake', WEBHOOK_ROUTE, false],
      ['the workflow action', WORKFLOW_ACTION_PATH, false],
      ['the admin API', '/api/admin/portals/PORTAL/rule-sets/validate', true],
    ])('answers 400 on %s', async (_name, path, admin) => {
      const url = `${base}${path.replace('PORTAL', String(app.harness.portalId))}`;
      const headers = { ...(admin ? app.adminHeaders() : { 'content-type': 'application/json' }), 'content-encoding': encoding };
      const res = await fetch(url, { method: 'POST', headers, body: '{"plain":"json, not compressed"}' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    });
  });

  it.each([
    ['a share link', '/share/personas/%E0%A4%A'],
    ['an avatar', '/static/personas/%E0%A4%A.svg'],
    ['a contact', '/api/admin/portals/PORTAL/contacts/%E0%A4%A'],
    ['a contact override', '/api/admin/portals/PORTAL/contacts/%E0%A4%A/override'],
  ])('answers 400 to a malformed percent-encoding in %s', async (_name, path) => {
    const res = await fetch(`${base}${path.replace('PORTAL', String(app.harness.portalId))}`, { headers: app.adminHeaders() });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/percent-encoding/);
  });

  it('answers 400 to a rule set nested thousands deep on /rule-sets/validate, naming the limit', async () => {
    const live = (await (await fetch(app.api('rule-sets/live'), { headers: app.adminHeaders() })).json()) as {
      ruleSet: { personas: { rules: unknown[] }[] };
    };
    const body = JSON.stringify({ ruleSet: live.ruleSet }).replace(
      '"rules":[',
      `"rules":[{"label":"deep","points":1,"when":${deepCondition(5_000)}},`,
    );
    const res = await fetch(app.api('rule-sets/validate'), { method: 'POST', headers: app.adminHeaders(), body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/nested more than 64 levels/);
  });

  it('still validates a rule set with conditions nested a realistic 20 levels', async () => {
    const live = (await (await fetch(app.api('rule-sets/live'), { headers: app.adminHeaders() })).json()) as { ruleSet: unknown };
    const body = JSON.stringify({ ruleSet: live.ruleSet }).replace(
      '"rules":[',
      `"rules":[{"label":"deep","points":1,"when":${deepCondition(20)}},`,
    );
    const res = await fetch(app.api('rule-sets/validate'), { method: 'POST', headers: app.adminHeaders(), body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, errors: [] });
  });

  it('answers 400 to a signed webhook event carrying a field nested thousands deep, and stores nothing', async () => {
    const before = await app.harness.app.stores.inbox.backlog();
    const event = `{"eventId":1,"subscriptionId":1,"portalId":${app.harness.portalId},"appId":424242,"occurredAt":${Date.now()},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":1,"propertyName":"jobtitle","propertyValue":"x","changeSource":"CRM","extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const body = `[${event}]`;
    const res = await fetch(`${base}${WEBHOOK_ROUTE}`, { method: 'POST', headers: signedHeaders('POST', WEBHOOK_ROUTE, body), body });
    expect(res.status).toBe(400);
    expect(await app.harness.app.stores.inbox.backlog()).toEqual(before);
  });

  it('keeps answering after all of it', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
  });
});

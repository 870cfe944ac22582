import { signV3 } from '../../src/platform/hubspot-signature';
import type { Storage } from '../../src/storage/connect';
import { WEBHOOK_ROUTE } from '../../src/webhook-receiver/webhook-routes';
import { WORKFLOW_ACTION_PATH } from '../../src/workflow-action/workflow-action-routes';
import { engines } from '../support/databases';
import { startHostileApp, type HostileApp } from './support/hostile-app';

const NUL = '\u0000';

describe.each(engines)('hostile input: NUL characters and hopeless workflow executions (%s)', (_engine, open) => {
  let storage: Storage;
  let app: HostileApp;
  let contactId: string;

  beforeAll(async () => {
    storage = await open();
    app = await startHostileApp(storage);
    const found = (await (await fetch(`${app.api('contacts')}?q=a`, { headers: app.adminHeaders() })).json()) as {
      contacts: { id: string }[];
    };
    contactId = found.contacts[0].id;
  }, 120_000);
  afterAll(async () => {
    await app?.harness.close();
    await storage?.close();
  }, 120_000);
  afterEach(() => expect(app.takeErrors()).toEqual([]));

  const signed = (path: string, body: string) => {
    const timestamp = Date.now();
    return {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': String(timestamp),
        'x-hubspot-signature-v3': signV3(
          { method: 'POST', url: `${app.harness.config.appBaseUrl}${path}`, body },
          app.harness.config.hubspot.clientSecret,
          timestamp,
        ),
      },
    };
  };
  const execution = (overrides: { callbackId?: string; portalId?: number } = {}) =>
    JSON.stringify({
      callbackId: overrides.callbackId ?? `cb-${Math.random()}`,
      origin: { portalId: overrides.portalId ?? app.harness.portalId, actionDefinitionId: 1, actionDefinitionVersion: 1 },
      object: { objectId: Number(contactId), objectType: 'CONTACT', properties: {} },
      inputFields: {},
    });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  it('answers 400 to NUL in the contact search text, naming it', async () => {
    const res = await fetch(`${app.api('contacts')}?q=ann%00`, { headers: app.adminHeaders() });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/NUL character/);
  });

  it.each([
    ['a contact read', 'GET', `contacts/CONTACT%00`],
    ['an override', 'PUT', `contacts/CONTACT%00/override`],
  ])('answers 400 to NUL in the contact id of %s', async (_name, method, path) => {
    const res = await fetch(app.api(path.replace('CONTACT', contactId)), {
      method,
      headers: app.adminHeaders(),
      body: method === 'PUT' ? '{"personaId":"developer"}' : undefined,
    });
    expect(res.status).toBe(400);
  });

  it('answers 400 to NUL in an override, and keeps the contact as it was', async () => {
    const before = await app.harness.app.stores.assignments.get(app.harness.portalId, contactId);
    const res = await fetch(app.api(`contacts/${contactId}/override`), {
      method: 'PUT',
      headers: app.adminHeaders(),
      body: JSON.stringify({ personaId: `developer${NUL}` }),
    });
    expect(res.status).toBe(400);
    expect(await app.harness.app.stores.assignments.get(app.harness.portalId, contactId)).toEqual(before);
  });

  it('answers 400 to NUL in a publish note, and publishes nothing', async () => {
    const live = (await (await fetch(app.api('rule-sets/live'), { headers: app.adminHeaders() })).json()) as {
      version: number;
      ruleSet: unknown;
    };
    const res = await fetch(app.api('rule-sets/publish'), {
      method: 'POST',
      headers: app.adminHeaders(),
      body: JSON.stringify({ ruleSet: live.ruleSet, note: `tidy${NUL}up` }),
    });
    expect(res.status).toBe(400);
    const after = (await (await fetch(app.api('rule-sets/live'), { headers: app.adminHeaders() })).json()) as { version: number };
    expect(after.version).toBe(live.version);
  });

  it('answers the workflow action 400 for NUL in the callback id, so HubSpot does not retry', async () => {
    const res = await fetch(
      `${app.harness.appBaseUrl}${WORKFLOW_ACTION_PATH}`,
      signed(WORKFLOW_ACTION_PATH, execution({ callbackId: `cb${NUL}1` })),
    );
    expect(res.status).toBe(400);
  });

  it('answers the workflow action 403 for a portal that never installed the app, and 200 for the installed one', async () => {
    const stranger = await fetch(
      `${app.harness.appBaseUrl}${WORKFLOW_ACTION_PATH}`,
      signed(WORKFLOW_ACTION_PATH, execution({ portalId: 9_999_999 })),
    );
    expect(stranger.status).toBe(403);
    expect((await errorOf(stranger)).message).toMatch(/has not installed the app/);
    const installed = await fetch(`${app.harness.appBaseUrl}${WORKFLOW_ACTION_PATH}`, signed(WORKFLOW_ACTION_PATH, execution()));
    expect(installed.status).toBe(200);
  });

  it('stores a signed webhook event whose value holds NUL, without the NUL (a 4xx would only make HubSpot retry)', async () => {
    const event = {
      eventId: 77_001,
      subscriptionId: 1,
      portalId: app.harness.portalId,
      appId: 424242,
      occurredAt: Date.now(),
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: Number(contactId),
      propertyName: 'jobtitle',
      propertyValue: `Data${NUL} Analyst`,
      changeSource: 'CRM',
    };
    const res = await fetch(`${app.harness.appBaseUrl}${WEBHOOK_ROUTE}`, signed(WEBHOOK_ROUTE, JSON.stringify([event])));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
  });
});

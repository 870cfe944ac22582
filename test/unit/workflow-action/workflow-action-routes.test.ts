import request from 'supertest';
import { createHttpApp } from '../../../src/http/create-http-app';
import { fixedClock } from '../../../src/platform/clock';
import { signV3 } from '../../../src/platform/hubspot-signature';
import { silentLogger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { WorkflowCallbackSqlStore } from '../../../src/storage/sql/workflow-callback-sql-store';
import {
  createWorkflowActionRoutes, WORKFLOW_ACTION_PATH, type WorkflowActionPort, type WorkflowPersona,
} from '../../../src/workflow-action/workflow-action-routes';

const SECRET = 'action-test-secret';
const BASE = 'https://personas.example.com';
const NOW = Date.parse('2026-11-28T12:00:00Z');

class FakeWorkflowPort implements WorkflowActionPort {
  readonly calls: string[] = [];
  readonly personas = new Map<string, WorkflowPersona>();
  failures = 0;
  gate: Promise<void> | null = null;

  async personaFor(portalId: number, contactId: string): Promise<WorkflowPersona | null> {
    this.calls.push(`${portalId}/${contactId}`);
    if (this.gate) await this.gate;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('store unavailable');
    }
    return this.personas.get(`${portalId}/${contactId}`) ?? null;
  }

  readonly installed = new Set([101, 202]);

  async isInstalled(portalId: number): Promise<boolean> {
    return this.installed.has(portalId);
  }

  async unassignedId(): Promise<string> {
    return 'unassigned';
  }
}

const opened: Storage[] = [];
afterEach(async () => { await Promise.all(opened.splice(0).map((storage) => storage.close())); });

/** The routes over the durable answer store the app uses, on a fresh in-memory SQLite each time. */
async function setup() {
  const storage = await openStorage('sqlite::memory:');
  opened.push(storage);
  const port = new FakeWorkflowPort();
  port.personas.set('101/614', { personaId: 'explorer', score: 45 });
  port.personas.set('202/614', { personaId: 'champion', score: 70 });
  const app = createHttpApp({
    logger: silentLogger,
    health: async () => ({ ok: true, checks: {} }),
    routers: [createWorkflowActionRoutes({
      workflowAction: port, responses: new WorkflowCallbackSqlStore(storage.db), clientSecret: SECRET, appBaseUrl: BASE, clock: fixedClock(NOW), logger: silentLogger,
    })],
  });
  return { port, app };
}

function execution(overrides: { callbackId?: string; portalId?: number; objectId?: number | string; objectType?: string } = {}) {
  return JSON.stringify({
    callbackId: overrides.callbackId ?? 'ap-101-56776413549-7-0',
    origin: { portalId: overrides.portalId ?? 101, actionDefinitionId: 10860211, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 192814114 },
    object: { objectId: overrides.objectId ?? 614, objectType: overrides.objectType ?? 'CONTACT', properties: {} },
    inputFields: {},
  });
}

function post(app: Awaited<ReturnType<typeof setup>>['app'], body: string, options: { signedBody?: string; timestamp?: number } = {}) {
  const timestamp = options.timestamp ?? NOW;
  const signature = signV3({ method: 'POST', url: BASE + WORKFLOW_ACTION_PATH, body: options.signedBody ?? body }, SECRET, timestamp);
  return request(app).post(WORKFLOW_ACTION_PATH)
    .set('content-type', 'application/json')
    .set('x-hubspot-signature-v3', signature)
    .set('x-hubspot-request-timestamp', String(timestamp))
    .send(body);
}

describe('persona workflow action', () => {
  it('answers with the persona and its score as output fields', async () => {
    const { app } = await setup();

    const res = await post(app, execution());

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outputFields: { persona: 'explorer', persona_score: 45, hs_execution_state: 'SUCCESS' } });
  });

  it('reads the portal from the signed body', async () => {
    const { app, port } = await setup();

    const res = await post(app, execution({ portalId: 202, callbackId: 'cb-202' }));

    expect(res.body.outputFields.persona).toBe('champion');
    expect(port.calls).toEqual(['202/614']);
  });

  it('refuses a body changed after signing', async () => {
    const { app, port } = await setup();

    const res = await post(app, execution({ portalId: 202 }), { signedBody: execution({ portalId: 101 }) });

    expect(res.status).toBe(401);
    expect(port.calls).toEqual([]);
  });

  it('refuses a stale signature', async () => {
    const { app, port } = await setup();

    const res = await post(app, execution(), { timestamp: NOW - 10 * 60 * 1000 });

    expect(res.status).toBe(401);
    expect(port.calls).toEqual([]);
  });

  it('refuses an unsigned execution', async () => {
    const { app } = await setup();

    const res = await request(app).post(WORKFLOW_ACTION_PATH).set('content-type', 'application/json').send(execution());

    expect(res.status).toBe(401);
  });

  it('answers a repeated callback with the stored answer, without recomputing', async () => {
    const { app, port } = await setup();
    const first = await post(app, execution());
    port.personas.set('101/614', { personaId: 'champion', score: 90 });

    const second = await post(app, execution());

    expect(second.body).toEqual(first.body);
    expect(port.calls).toEqual(['101/614']);
  });

  it('computes concurrent deliveries of one callback once', async () => {
    const { app, port } = await setup();
    let open!: () => void;
    port.gate = new Promise((resolve) => { open = resolve; });

    const pending = [post(app, execution()), post(app, execution())].map((r) => r.then((res) => res));
    await new Promise((resolve) => setTimeout(resolve, 50));
    open();
    const [a, b] = await Promise.all(pending);

    expect(a.body).toEqual(b.body);
    expect(port.calls).toEqual(['101/614']);
  });

  it('treats the same callback id in another portal as a different execution', async () => {
    const { app, port } = await setup();

    await post(app, execution({ callbackId: 'same' }));
    const other = await post(app, execution({ callbackId: 'same', portalId: 202 }));

    expect(other.body.outputFields.persona).toBe('champion');
    expect(port.calls).toEqual(['101/614', '202/614']);
  });

  it('answers the unassigned option with score 0 for a contact that cannot be assigned', async () => {
    const { app } = await setup();

    const res = await post(app, execution({ objectId: '999' }));

    expect(res.body).toEqual({ outputFields: { persona: 'unassigned', persona_score: 0, hs_execution_state: 'SUCCESS' } });
  });

  it('answers 5xx on an internal failure so HubSpot retries, and succeeds on the retry', async () => {
    const { app, port } = await setup();
    port.failures = 1;

    const failed = await post(app, execution());
    const retried = await post(app, execution());

    expect(failed.status).toBe(503);
    expect(failed.body.outputFields).toBeUndefined();
    expect(retried.status).toBe(200);
    expect(retried.body.outputFields.persona).toBe('explorer');
  });

  it.each([
    ['a missing callback id', JSON.stringify({ origin: { portalId: 101 }, object: { objectId: 614, objectType: 'CONTACT' } })],
    ['a non-contact object', execution({ objectType: 'DEAL' })],
    ['an object id that is not a number', execution({ objectId: 'abc' })],
  ])('rejects %s as a bad request', async (_name, body) => {
    const { app, port } = await setup();

    const res = await post(app, body);

    expect(res.status).toBe(400);
    expect(port.calls).toEqual([]);
  });
});

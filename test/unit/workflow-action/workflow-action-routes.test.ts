import request from 'supertest';
import { createHttpApp } from '../../../src/http/create-http-app';
import { fixedClock } from '../../../src/platform/clock';
import { signV2, signV3 } from '../../../src/platform/hubspot-signature';
import { AppError } from '../../../src/platform/errors';
import { silentLogger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { WorkflowCallbackSqlStore } from '../../../src/storage/sql/workflow-callback-sql-store';
import {
  createWorkflowActionRoutes,
  WORKFLOW_ACTION_OPTIONS_PATH,
  WORKFLOW_ACTION_PATH,
  type WorkflowActionPort,
  type WorkflowPersona,
  type WorkflowPersonaOption,
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

  async unassigned(): Promise<WorkflowPersona> {
    return { personaId: 'unassigned', label: 'No persona', score: 0 };
  }

  /** Each portal publishes its own personas. */
  readonly optionsByPortal = new Map<number, WorkflowPersonaOption[]>([
    [
      101,
      [
        { value: 'explorer', label: 'Explorer', description: 'Reads everything' },
        { value: 'unassigned', label: 'No persona', description: '' },
      ],
    ],
    [
      202,
      [
        { value: 'champion', label: 'Internal Champion', description: '' },
        { value: 'skeptic', label: 'Skeptic', description: '' },
        { value: 'unassigned', label: 'None yet', description: '' },
      ],
    ],
  ]);

  async personaOptions(portalId: number): Promise<WorkflowPersonaOption[]> {
    const options = this.optionsByPortal.get(portalId);
    if (!options) throw new AppError('not_found', `Portal ${portalId} has no published rule set`);
    return options;
  }
}

const opened: Storage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close()));
});

/** The routes over the durable answer store the app uses, on a fresh in-memory SQLite each time. */
async function setup() {
  const storage = await openStorage('sqlite::memory:');
  opened.push(storage);
  const port = new FakeWorkflowPort();
  port.personas.set('101/614', { personaId: 'explorer', label: 'Explorer', score: 45 });
  port.personas.set('202/614', { personaId: 'champion', label: 'Internal Champion', score: 70 });
  const app = createHttpApp({
    logger: silentLogger,
    health: async () => ({ ok: true, checks: {} }),
    routers: [
      createWorkflowActionRoutes({
        workflowAction: port,
        responses: new WorkflowCallbackSqlStore(storage.db),
        clientSecret: SECRET,
        appBaseUrl: BASE,
        clock: fixedClock(NOW),
        logger: silentLogger,
      }),
    ],
  });
  return { port, app };
}

function execution(
  overrides: {
    callbackId?: string;
    portalId?: number;
    objectId?: number | string;
    objectType?: string;
    inputFields?: Record<string, unknown>;
  } = {},
) {
  return JSON.stringify({
    callbackId: overrides.callbackId ?? 'ap-101-56776413549-7-0',
    origin: { portalId: overrides.portalId ?? 101, actionDefinitionId: 10860211, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 192814114 },
    object: { objectId: overrides.objectId ?? 614, objectType: overrides.objectType ?? 'CONTACT', properties: {} },
    inputFields: overrides.inputFields ?? {},
  });
}

type App = Awaited<ReturnType<typeof setup>>['app'];

function post(app: App, body: string, options: { signedBody?: string; timestamp?: number; path?: string } = {}) {
  const timestamp = options.timestamp ?? NOW;
  const path = options.path ?? WORKFLOW_ACTION_PATH;
  const signature = signV3({ method: 'POST', url: BASE + path, body: options.signedBody ?? body }, SECRET, timestamp);
  return request(app)
    .post(path)
    .set('content-type', 'application/json')
    .set('x-hubspot-signature-v3', signature)
    .set('x-hubspot-request-timestamp', String(timestamp))
    .send(body);
}

/** Signed the way HubSpot's custom-action guide describes: v2 only, no timestamp. */
function postV2(app: App, body: string, options: { signedBody?: string; secret?: string; path?: string; version?: string | null } = {}) {
  const path = options.path ?? WORKFLOW_ACTION_PATH;
  const signature = signV2({ method: 'POST', url: BASE + path, body: options.signedBody ?? body }, options.secret ?? SECRET);
  const req = request(app).post(path).set('content-type', 'application/json').set('x-hubspot-signature', signature);
  if (options.version !== null) req.set('x-hubspot-signature-version', options.version ?? 'v2');
  return req.send(body);
}

const optionsRequest = (portalId: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    origin: { portalId, actionDefinitionId: 10860211, actionDefinitionVersion: 1 },
    inputFieldName: 'persona_to_check',
    inputFields: {},
    ...extra,
  });

describe('persona workflow action', () => {
  it('answers with the persona and its score as output fields', async () => {
    const { app } = await setup();

    const res = await post(app, execution());

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      outputFields: {
        matches_persona: 'no',
        persona: 'explorer',
        persona_label: 'Explorer',
        persona_score: 45,
        hs_execution_state: 'SUCCESS',
      },
    });
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
    port.personas.set('101/614', { personaId: 'champion', label: 'Internal Champion', score: 90 });

    const second = await post(app, execution());

    expect(second.body).toEqual(first.body);
    expect(port.calls).toEqual(['101/614']);
  });

  it('computes concurrent deliveries of one callback once', async () => {
    const { app, port } = await setup();
    let open!: () => void;
    port.gate = new Promise((resolve) => {
      open = resolve;
    });

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

    expect(res.body).toEqual({
      outputFields: {
        matches_persona: 'no',
        persona: 'unassigned',
        persona_label: 'No persona',
        persona_score: 0,
        hs_execution_state: 'SUCCESS',
      },
    });
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

  it('says yes only when the contact has the persona the workflow author picked', async () => {
    const { app } = await setup();
    const picked = (callbackId: string, value: unknown, portalId = 101) =>
      post(app, execution({ callbackId, portalId, inputFields: { persona_to_check: value } }));
    expect((await picked('a', 'explorer')).body.outputFields.matches_persona).toBe('yes');
    expect((await picked('b', 'champion')).body.outputFields.matches_persona).toBe('no');
    expect((await picked('c', 'champion', 202)).body.outputFields.matches_persona).toBe('yes');
    expect((await picked('d', '')).body.outputFields.matches_persona).toBe('no');
    expect((await picked('e', { type: 'OBJECT_PROPERTY' })).body.outputFields.matches_persona).toBe('no');
    const unassigned = await post(app, execution({ callbackId: 'f', objectId: '999', inputFields: { persona_to_check: 'unassigned' } }));
    expect(unassigned.body.outputFields).toMatchObject({ matches_persona: 'yes', persona: 'unassigned' });
  });

  it("accepts the v2 signature HubSpot's custom-action guide describes, when no v3 headers come", async () => {
    const { app, port } = await setup();
    const res = await postV2(app, execution());
    expect(res.status).toBe(200);
    expect(res.body.outputFields.persona).toBe('explorer');
    expect(port.calls).toEqual(['101/614']);
  });

  it.each([
    ['another secret', { secret: 'someone-else' }],
    ['a body changed after signing', { signedBody: execution({ portalId: 202 }) }],
    ['no signature version header', { version: null }],
    ['a v1 version header', { version: 'v1' }],
  ] as const)('refuses a v2 signature with %s', async (_name, options) => {
    const { app, port } = await setup();
    const res = await postV2(app, execution(), options);
    expect(res.status).toBe(401);
    expect(port.calls).toEqual([]);
  });

  it('checks v3 when its headers are present and does not fall back to a valid v2 beside a bad v3', async () => {
    const { app, port } = await setup();
    const body = execution();
    const res = await request(app)
      .post(WORKFLOW_ACTION_PATH)
      .set('content-type', 'application/json')
      .set('x-hubspot-signature', signV2({ method: 'POST', url: BASE + WORKFLOW_ACTION_PATH, body }, SECRET))
      .set('x-hubspot-signature-version', 'v2')
      .set('x-hubspot-signature-v3', signV3({ method: 'POST', url: BASE + WORKFLOW_ACTION_PATH, body }, 'wrong', NOW))
      .set('x-hubspot-request-timestamp', String(NOW))
      .send(body);
    expect(res.status).toBe(401);
    expect(port.calls).toEqual([]);
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

describe('persona choices for the workflow editor (optionsUrl)', () => {
  it("lists the calling portal's own personas, whichever portal asks", async () => {
    const { app } = await setup();
    const a = await postV2(app, optionsRequest(101), { path: WORKFLOW_ACTION_OPTIONS_PATH });
    const b = await post(app, optionsRequest(202), { path: WORKFLOW_ACTION_OPTIONS_PATH });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      options: [
        { value: 'explorer', label: 'Explorer', description: 'Reads everything' },
        { value: 'unassigned', label: 'No persona', description: '' },
      ],
      searchable: true,
    });
    expect(b.body.options.map((o: { value: string }) => o.value)).toEqual(['champion', 'skeptic', 'unassigned']);
  });

  it('filters by the search text the author types', async () => {
    const { app } = await setup();
    const res = await postV2(app, optionsRequest(202, { fetchOptions: { q: 'champ' } }), { path: WORKFLOW_ACTION_OPTIONS_PATH });
    expect(res.body.options.map((o: { label: string }) => o.label)).toEqual(['Internal Champion']);
  });

  it('refuses an unsigned or tampered request, another input field, and a portal without the app', async () => {
    const { app } = await setup();
    expect(
      (await request(app).post(WORKFLOW_ACTION_OPTIONS_PATH).set('content-type', 'application/json').send(optionsRequest(101))).status,
    ).toBe(401);
    expect((await postV2(app, optionsRequest(202), { path: WORKFLOW_ACTION_OPTIONS_PATH, signedBody: optionsRequest(101) })).status).toBe(
      401,
    );
    const wrongField = await postV2(app, optionsRequest(101, { inputFieldName: 'other' }), { path: WORKFLOW_ACTION_OPTIONS_PATH });
    expect(wrongField.status).toBe(400);
    expect(JSON.stringify(wrongField.body)).toContain('other');
    expect((await postV2(app, optionsRequest(303), { path: WORKFLOW_ACTION_OPTIONS_PATH })).status).toBe(403);
    expect((await postV2(app, JSON.stringify({ inputFieldName: 'persona_to_check' }), { path: WORKFLOW_ACTION_OPTIONS_PATH })).status).toBe(
      400,
    );
  });
});

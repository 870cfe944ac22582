import { Client } from '@hubspot/api-client';
import RetryDecorator from '@hubspot/api-client/lib/src/services/decorators/RetryDecorator';
import type { Sandbox } from '../../src/sandbox';
import { burst429, hubspotError } from '../support/sandbox-schemas';
import { PORTAL_A, PORTAL_B, manualClock, sdkClient, startTestSandbox } from '../support/sandbox-harness';

let sandbox: Sandbox;
const clock = manualClock();

beforeAll(async () => {
  sandbox = await startTestSandbox({ clock: clock.now, rateLimit: { perTenSeconds: 5, searchPerSecond: 2 } });
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.faults.clear();
  clock.advance(60_000);
});

async function get(token: string, path = '/crm/v3/objects/contacts?limit=1'): Promise<Response> {
  return fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

async function searchCall(token: string): Promise<Response> {
  return fetch(`${sandbox.baseUrl}/crm/v3/objects/contacts/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ limit: 1 }),
  });
}

/** The SDK's own retry decorator, with its waits shortened so the test does not sleep 10 s. */
function fastSdkRetry(attempts: number): RetryDecorator {
  const retry = new RetryDecorator(attempts);
  const timeouts = (retry as unknown as { retryTimeout: Record<string, number> }).retryTimeout;
  for (const key of Object.keys(timeouts)) timeouts[key] = 1;
  return retry;
}

describe('the ten-second burst limit', () => {
  it('counts a rolling window per portal and sends the rate-limit headers', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_A);
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await get(accessToken);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('5');
      expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      remaining.push(res.headers.get('x-hubspot-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const throttled = await get(accessToken);
    expect(throttled.status).toBe(429);
    burst429.parse(await throttled.json());
    const other = sandbox.tokens.issue(PORTAL_B);
    expect((await get(other.accessToken)).status).toBe(200);
    clock.advance(9_999);
    expect((await get(accessToken)).status).toBe(429);
    clock.advance(1);
    expect((await get(accessToken)).status).toBe(200);
    expect(sandbox.stats(PORTAL_A).throttled).toBe(2);
  });

  it('is recognised by the SDK retry as TEN_SECONDLY_ROLLING and retried until the window rolls', async () => {
    const { client } = sdkClient(sandbox, PORTAL_A);
    const { accessToken } = sandbox.tokens.issue(PORTAL_A);
    for (let i = 0; i < 5; i++) await get(accessToken);
    const err = await client.crm.contacts.basicApi.getPage(1).catch((e: { code: number; body: { policyName?: string } }) => e);
    expect(err).toMatchObject({ code: 429, body: { policyName: 'TEN_SECONDLY_ROLLING' } });
    let calls = 0;
    const retried = fastSdkRetry(3).decorate(async () => {
      calls += 1;
      if (calls === 3) clock.advance(10_000);
      return client.crm.contacts.basicApi.getPage(1);
    });
    const silence = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const page = await retried();
    silence.mockRestore();
    expect(calls).toBe(3);
    expect(page.results).toHaveLength(1);
  });
});

describe('the search limit', () => {
  it('throttles search separately, with the message the SDK keys on and no rate-limit headers', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_A);
    expect((await searchCall(accessToken)).status).toBe(200);
    expect((await searchCall(accessToken)).status).toBe(200);
    const throttled = await searchCall(accessToken);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    const body = hubspotError.parse(await throttled.json());
    expect(body.message).toBe('You have reached your secondly limit.');
    expect(body).not.toHaveProperty('policyName');
    expect((await get(accessToken)).status).toBe(200);
  });

  it('is retried by the SDK after its one-second wait', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_A);
    await searchCall(accessToken);
    await searchCall(accessToken);
    const client = new Client({ accessToken, basePath: sandbox.baseUrl });
    let calls = 0;
    const retried = fastSdkRetry(2).decorate(async () => {
      calls += 1;
      if (calls === 2) clock.advance(1_000);
      return client.crm.contacts.searchApi.doSearch({ limit: 1 } as never);
    });
    const silence = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await retried();
    silence.mockRestore();
    expect(calls).toBe(2);
    expect(res.total).toBe(120);
  });
});

describe('injected faults', () => {
  it('fails the next N matching responses with 5xx, which the SDK retries', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_B);
    sandbox.faults.failNext(2, { status: 503, pathPattern: '/crm/v3/objects/contacts$' });
    const ticketsStill = await get(accessToken, '/crm/v3/objects/tickets?limit=1');
    expect(ticketsStill.status).toBe(200);
    const failed = await get(accessToken);
    expect(failed.status).toBe(503);
    hubspotError.parse(await failed.json());
    const client = new Client({ accessToken, basePath: sandbox.baseUrl, numberOfApiCallRetries: 3 });
    const silence = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const page = await client.crm.contacts.basicApi.getPage(2);
    silence.mockRestore();
    expect(page.results).toHaveLength(2);
    expect(sandbox.faults.describe().failures).toEqual([]);
  });

  it('drops connections without an answer', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_B);
    sandbox.faults.dropConnections(1);
    await expect(get(accessToken)).rejects.toThrow(/fetch failed/);
    expect((await get(accessToken)).status).toBe(200);
  });

  it('answers every call with the burst 429 during a storm, for the chosen portal only', async () => {
    const a = sandbox.tokens.issue(PORTAL_A);
    const b = sandbox.tokens.issue(PORTAL_B);
    sandbox.faults.rateLimitStorm(5_000, { portalId: PORTAL_A });
    const stormed = await get(a.accessToken);
    expect(stormed.status).toBe(429);
    burst429.parse(await stormed.json());
    expect((await get(b.accessToken)).status).toBe(200);
    clock.advance(5_000);
    expect((await get(a.accessToken)).status).toBe(200);
  });

  it('delays responses when asked and still answers them', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_B);
    sandbox.faults.slow(30, { count: 1 });
    expect(sandbox.faults.describe().slow).toHaveLength(1);
    expect((await get(accessToken)).status).toBe(200);
    expect(sandbox.faults.describe().slow).toHaveLength(0);
  });

  it("holds one portal's calls while others are answered, until the faults are cleared", async () => {
    const a = sandbox.tokens.issue(PORTAL_A).accessToken;
    const b = sandbox.tokens.issue(PORTAL_B).accessToken;
    sandbox.faults.slow(600_000, { portalId: PORTAL_A });
    const heldCall = get(a).then((r) => `held portal ${r.status}`);
    expect(await Promise.race([heldCall, get(b).then((r) => `other portal ${r.status}`)])).toBe('other portal 200');
    expect(sandbox.faults.describe().slow).toEqual([{ delayMs: 600_000, remaining: null, portalId: PORTAL_A }]);
    sandbox.faults.clear();
    expect(await heldCall).toBe('held portal 200');
    expect((await get(a)).status).toBe(200);
  });

  it('can be driven through the control HTTP API', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_B);
    const post = await fetch(`${sandbox.baseUrl}/_sandbox/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'fail', count: 1, status: 502 }),
    });
    expect(post.status).toBe(200);
    expect((await get(accessToken)).status).toBe(502);
    await fetch(`${sandbox.baseUrl}/_sandbox/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'revokeTokens', portalId: PORTAL_B }),
    });
    expect((await get(accessToken)).status).toBe(401);
    const bad = await fetch(`${sandbox.baseUrl}/_sandbox/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'meteor' }),
    });
    expect(bad.status).toBe(404);
  });

  it('counts requests per portal and per path', async () => {
    const before = sandbox.stats(PORTAL_B);
    const { accessToken } = sandbox.tokens.issue(PORTAL_B);
    await get(accessToken, '/crm/v3/objects/contacts/1001');
    await get(accessToken, '/crm/v3/objects/contacts/1002');
    const after = sandbox.stats(PORTAL_B);
    expect(after.requests - before.requests).toBe(2);
    expect((after.byPath['GET /crm/v3/objects/contacts/{id}'] ?? 0) - (before.byPath['GET /crm/v3/objects/contacts/{id}'] ?? 0)).toBe(2);
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiUsageRecorder } from '../../../src/hubspot/api-usage-recorder';
import { holdFromRateHeaders } from '../../../src/hubspot/rate-headroom';
import { SdkGateways } from '../../../src/hubspot/sdk-gateway';
import { silentLogger } from '../../../src/platform/logger';
import type { SyncStore } from '../../../src/sync/sync-store';

const headers = (max: number, remaining: number) => ({
  'x-hubspot-ratelimit-max': String(max),
  'x-hubspot-ratelimit-remaining': String(remaining),
  'x-hubspot-ratelimit-interval-milliseconds': '10000',
});

describe("HubSpot's count of the window steers our starts", () => {
  it('holds nothing while the spare our budget leaves is intact, one slot per request of it used up', () => {
    // Budget 108 of 110: two spare, a slot is 10 s / 108.
    expect(holdFromRateHeaders(headers(110, 2), 108)).toBe(0);
    expect(holdFromRateHeaders(headers(110, 40), 108)).toBe(0);
    expect(holdFromRateHeaders(headers(110, 1), 108)).toBe(93);
    expect(holdFromRateHeaders(headers(110, 0), 108)).toBe(186);
  });

  it('keeps one request spare when our budget is the whole ceiling or more, and ignores responses without the headers', () => {
    expect(holdFromRateHeaders(headers(100, 0), 108)).toBe(100);
    expect(holdFromRateHeaders(headers(110, 1), 110)).toBe(0);
    expect(holdFromRateHeaders({}, 108)).toBe(0);
    // Search answers carry no rate headers; a malformed one is no signal either.
    expect(holdFromRateHeaders({ 'x-hubspot-ratelimit-max': 'lots', 'x-hubspot-ratelimit-remaining': '0' }, 108)).toBe(0);
  });
});

/** A stand-in for HubSpot's API: every request's arrival time, each answered by `answer`. */
async function fakeHubSpot(answer: (n: number, res: ServerResponse) => void) {
  const arrivals: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    arrivals.push(Date.now());
    req.resume();
    req.on('end', () => answer(arrivals.length, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const emptyPage = (res: ServerResponse, extra: Record<string, string> = {}) =>
  res.writeHead(200, { 'content-type': 'application/json', ...extra }).end(JSON.stringify({ results: [] }));

async function withGateways<T>(
  baseUrl: string,
  options: { ratePer10s: number; burstRateLimitDelayMs?: number },
  body: (g: SdkGateways) => Promise<T>,
) {
  const usage = new ApiUsageRecorder({
    sync: { recordApiUsage: async () => undefined } as unknown as SyncStore,
    logger: silentLogger,
    now: () => Date.now(),
  });
  const gateways = new SdkGateways({
    apiBaseUrl: baseUrl,
    tokens: { accessToken: async () => 'token', refreshAfterRejection: async () => 'token' },
    usage,
    logger: silentLogger,
    ratePer10s: options.ratePer10s,
    searchPerSecond: 4,
    retry: { burstRateLimitDelayMs: options.burstRateLimitDelayMs ?? 10_000 },
  });
  try {
    return await body(gateways);
  } finally {
    await gateways.stop();
    await usage.close();
  }
}

const list = (g: SdkGateways) => g.forPortal(7).listContacts({ after: null, properties: ['email'], withTickets: false });
const gapsOf = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('the portal limiter against HubSpot', () => {
  it("waits when HubSpot's window holds more than our spacing allows, before HubSpot refuses", async () => {
    // Our budget 100 / 10 s (a start every 100 ms) under HubSpot's 110: ten spare. The first
    // answer says none is left, as when arrivals bunched behind a busy event loop.
    const hubspot = await fakeHubSpot((n, res) => emptyPage(res, headers(110, n === 1 ? 0 : 50)));
    try {
      await withGateways(hubspot.baseUrl, { ratePer10s: 100 }, async (g) => {
        await Promise.all([list(g), list(g), list(g)]);
      });
      const [afterEmpty, afterRoomy] = gapsOf(hubspot.arrivals);
      // Ten slots of 100 ms held, then the usual spacing; delays only lengthen gaps, so these hold on a busy machine.
      expect(afterEmpty).toBeGreaterThanOrEqual(900);
      expect(afterRoomy).toBeLessThan(900);
    } finally {
      await hubspot.close();
    }
  });

  it('sends the calls that queued during a 429 pause one slot apart when it ends, not at once', async () => {
    const hubspot = await fakeHubSpot((n, res) => {
      if (n === 1) {
        res.writeHead(429, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            status: 'error',
            message: 'You have reached your ten_secondly_rolling limit.',
            errorType: 'RATE_LIMIT',
            policyName: 'TEN_SECONDLY_ROLLING',
          }),
        );
      } else emptyPage(res);
    });
    try {
      // A start every 200 ms; the 429 pauses the portal for 1 s, during which four more calls reach a slot.
      await withGateways(hubspot.baseUrl, { ratePer10s: 50, burstRateLimitDelayMs: 1_000 }, async (g) => {
        await Promise.all(Array.from({ length: 6 }, () => list(g)));
      });
      expect(hubspot.arrivals).toHaveLength(7);
      const afterPause = hubspot.arrivals.slice(1);
      expect(afterPause[0]! - hubspot.arrivals[0]!).toBeGreaterThanOrEqual(950);
      expect(Math.min(...gapsOf(afterPause))).toBeGreaterThanOrEqual(150);
    } finally {
      await hubspot.close();
    }
  });
});

import { randomInt } from 'node:crypto';
import Redis from 'ioredis';
import { ApiUsageRecorder } from '../../../src/hubspot/api-usage-recorder';
import { SdkGateways } from '../../../src/hubspot/sdk-gateway';
import { testEnvironment } from '../../../src/platform/config';
import { silentLogger } from '../../../src/platform/logger';
import type { SyncStore } from '../../../src/sync/sync-store';

const redisUrl = testEnvironment().redisUrl;
const MIN_GAP_MS = 200; // 50 requests per 10 s

/** Two "processes" (two gateway sets) calling HubSpot for one portal; returns when each call started. */
async function startsOfTwoProcesses(shared: string | undefined, portalId: number): Promise<number[]> {
  const usage = new ApiUsageRecorder({
    sync: { recordApiUsage: async () => undefined } as unknown as SyncStore,
    logger: silentLogger,
    now: () => Date.now(),
  });
  const make = () =>
    new SdkGateways({
      apiBaseUrl: 'http://127.0.0.1:9',
      tokens: { accessToken: async () => 'token', refreshAfterRejection: async () => 'token' },
      usage,
      logger: silentLogger,
      ratePer10s: 10_000 / MIN_GAP_MS,
      searchPerSecond: 4,
      redisUrl: shared,
    });
  const [a, b] = [make(), make()];
  const starts: number[] = [];
  const call = (g: SdkGateways) =>
    g.call(portalId, 'probe', 'api', async () => {
      starts.push(Date.now());
    });
  try {
    await Promise.all([...Array.from({ length: 5 }, () => call(a)), ...Array.from({ length: 5 }, () => call(b))]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await usage.close();
  }
  return starts.sort((x, y) => x - y);
}

const smallestGap = (starts: number[]) => Math.min(...starts.slice(1).map((t, i) => t - starts[i]!));

(redisUrl ? describe : describe.skip)('one HubSpot budget per portal across processes (Redis)', () => {
  const portalId = randomInt(1_000_000, 2_000_000);
  afterAll(async () => {
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`b_personas:hubspot:${portalId}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('spaces the calls of two processes as one limiter would', async () => {
    const starts = await startsOfTwoProcesses(redisUrl, portalId);
    expect(starts).toHaveLength(10);
    // Scheduling can only make gaps longer, never shorter, so this bound holds on a loaded machine.
    expect(smallestGap(starts)).toBeGreaterThanOrEqual(MIN_GAP_MS / 2);
  });

  it('without Redis each process keeps its own budget, so their calls overlap', async () => {
    const starts = await startsOfTwoProcesses(undefined, portalId + 1);
    expect(smallestGap(starts)).toBeLessThan(MIN_GAP_MS / 2);
  });

  it("holds every process's calls for a portal through another process's 429 pause", async () => {
    const pausedPortal = portalId + 2;
    const usage = new ApiUsageRecorder({
      sync: { recordApiUsage: async () => undefined } as unknown as SyncStore,
      logger: silentLogger,
      now: () => Date.now(),
    });
    const make = () =>
      new SdkGateways({
        apiBaseUrl: 'http://127.0.0.1:9',
        tokens: { accessToken: async () => 'token', refreshAfterRejection: async () => 'token' },
        usage,
        logger: silentLogger,
        ratePer10s: 1000,
        searchPerSecond: 4,
        redisUrl,
        retry: { burstRateLimitDelayMs: 800 },
      });
    const [a, b] = [make(), make()];
    try {
      let refused = 0;
      const throttledAt: number[] = [];
      // A's first call is refused with a 429 (no Retry-After: the policy's 800 ms), its retry succeeds.
      const first = a.call(pausedPortal, 'probe', 'api', async () => {
        if (refused++ === 0) {
          throttledAt.push(Date.now());
          throw Object.assign(new Error('429'), { code: 429, body: {} });
        }
        return Date.now();
      });
      await new Promise((r) => setTimeout(r, 100));
      const otherProcess = await b.call(pausedPortal, 'probe', 'api', async () => Date.now());
      await first;
      expect(otherProcess - throttledAt[0]!).toBeGreaterThanOrEqual(700);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await usage.close();
      const redis = new Redis(redisUrl!);
      const keys = await redis.keys(`*personas:hubspot:${pausedPortal}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
});

import { ApiUsageRecorder } from '../../../src/hubspot/api-usage-recorder';
import { SdkGateways } from '../../../src/hubspot/sdk-gateway';
import { silentLogger } from '../../../src/platform/logger';
import type { SyncStore } from '../../../src/sync/sync-store';

describe("the portal's limiter", () => {
  it('starts a request marked first ahead of those already waiting, and the rest in arrival order, one budget for all', async () => {
    const usage = new ApiUsageRecorder({
      sync: { recordApiUsage: async () => undefined } as unknown as SyncStore,
      logger: silentLogger,
      now: () => Date.now(),
    });
    const gateways = new SdkGateways({
      apiBaseUrl: 'http://127.0.0.1:9',
      tokens: { accessToken: async () => 'token', refreshAfterRejection: async () => 'token' },
      usage,
      logger: silentLogger,
      ratePer10s: 50,
      searchPerSecond: 4,
      maxConcurrent: 1,
    });
    const order: string[] = [];
    const call = (name: string, first = false) =>
      gateways.call(
        7,
        name,
        'api',
        async () => {
          order.push(name);
        },
        first,
      );
    try {
      // Five batch requests queue up; the next page of a listing arrives last but starts before the queued ones.
      const queued = ['write 1', 'write 2', 'read 1', 'write 3', 'read 2'].map((n) => call(n));
      // Once the first has started the others wait (200 ms apart), however slow the machine.
      while (order.length === 0) await new Promise((r) => setImmediate(r));
      await Promise.all([...queued, call('list page 2', true)]);
    } finally {
      await gateways.stop();
      await usage.close();
    }
    expect(order[0]).toBe('write 1');
    expect(order.indexOf('list page 2')).toBeLessThanOrEqual(2);
    expect(order.filter((n) => n !== 'list page 2')).toEqual(['write 1', 'write 2', 'read 1', 'write 3', 'read 2']);
  });
});

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiUsageRecorder } from '../../../src/hubspot/api-usage-recorder';
import { SdkGateways } from '../../../src/hubspot/sdk-gateway';
import { silentLogger } from '../../../src/platform/logger';
import type { SyncStore } from '../../../src/sync/sync-store';

describe('a HubSpot request that gets no answer', () => {
  it('is given up (its connection closed) and retried once the request timeout passes, not left in flight beside its retry', async () => {
    const hung: ServerResponse[] = [];
    let closedByClient = 0;
    let arrivals = 0;
    const server = createServer((req, res) => {
      arrivals += 1;
      req.resume();
      if (arrivals === 1) {
        // HubSpot never answers this one; the client must hang up.
        hung.push(res);
        res.on('close', () => {
          if (!res.writableEnded) closedByClient += 1;
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const usage = new ApiUsageRecorder({
      sync: { recordApiUsage: async () => undefined } as unknown as SyncStore,
      logger: silentLogger,
      now: () => Date.now(),
    });
    const gateways = new SdkGateways({
      apiBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      tokens: { accessToken: async () => 'token', refreshAfterRejection: async () => 'token' },
      usage,
      logger: silentLogger,
      ratePer10s: 100,
      searchPerSecond: 4,
      requestTimeoutMs: 300,
      retry: { serverErrorBaseDelayMs: 10, serverErrorMaxDelayMs: 20 },
    });
    try {
      const page = await gateways.forPortal(7).listContacts({ after: null, properties: ['email'], withTickets: false });
      expect(page.results).toEqual([]);
      expect(arrivals).toBe(2);
      // The first connection was closed from our side by the time its retry was answered (or just after).
      for (let i = 0; i < 50 && closedByClient === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(closedByClient).toBe(1);
    } finally {
      await gateways.stop();
      await usage.close();
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { FailedAdminAttempts } from '../../../src/admin/admin-guard';
import { testEnvironment } from '../../../src/platform/config';

const redisUrl = testEnvironment().redisUrl;

describe('failed admin-token attempts', () => {
  it("without Redis each process counts its own, so a guesser's tries split over two processes are not added up", async () => {
    const [a, b] = [new FailedAdminAttempts({ limit: 10 }), new FailedAdminAttempts({ limit: 10 })];
    const client = `10.0.0.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 6; i++) await a.recordFailure(client);
    for (let i = 0; i < 4; i++) await b.recordFailure(client);
    expect(await a.blockedFor(client)).toBe(0);
    expect(await b.blockedFor(client)).toBe(0);
  });

  it('keeps counting in memory while Redis does not answer, instead of failing the request', async () => {
    const down = new Redis('redis://127.0.0.1:9', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    down.on('error', () => undefined);
    try {
      const attempts = new FailedAdminAttempts({ limit: 3, redis: down });
      for (let i = 0; i < 3; i++) await attempts.recordFailure('10.1.1.1');
      expect(await attempts.blockedFor('10.1.1.1')).toBeGreaterThan(0);
      expect(await attempts.blockedFor('10.1.1.2')).toBe(0);
    } finally {
      down.disconnect();
    }
  });
});

(redisUrl ? describe : describe.skip)('failed admin-token attempts across web processes (Redis)', () => {
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients) await c.quit();
  });

  it('adds up one address’s failures over every process and blocks it on all of them', async () => {
    const connect = () => {
      const c = new Redis(redisUrl!);
      clients.push(c);
      return c;
    };
    const [a, b] = [new FailedAdminAttempts({ limit: 10, redis: connect() }), new FailedAdminAttempts({ limit: 10, redis: connect() })];
    const client = `guesser-${randomUUID()}`;
    for (let i = 0; i < 6; i++) await a.recordFailure(client);
    for (let i = 0; i < 3; i++) await b.recordFailure(client);
    expect(await a.blockedFor(client)).toBe(0);
    await b.recordFailure(client);
    expect(await a.blockedFor(client)).toBeGreaterThan(0);
    expect(await b.blockedFor(client)).toBeGreaterThan(0);
    expect(await a.blockedFor(`other-${randomUUID()}`)).toBe(0);
  });
});

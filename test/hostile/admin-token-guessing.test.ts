import { request } from 'node:http';
import { openSqliteForTest } from '../support/databases';
import { startHostileApp, WARN, type HostileApp } from './support/hostile-app';
import type { Storage } from '../../src/storage/connect';

/** A GET from a chosen loopback address, so two clients can be told apart on one machine. */
function getFrom(
  localAddress: string,
  url: string,
  token: string,
): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hostile input: guessing the admin token', () => {
  let storage: Storage;
  let app: HostileApp;
  let url: string;

  beforeAll(async () => {
    storage = await openSqliteForTest();
    app = await startHostileApp(storage);
    url = app.api('rule-sets/live');
  }, 120_000);
  afterAll(async () => {
    await app?.harness.close();
    await storage?.close();
  }, 120_000);

  it('refuses every token from an address after 10 wrong ones, the right one included, with a warning and an immediate 401', async () => {
    const guesser = '127.0.0.2';
    for (let i = 0; i < 10; i++) expect((await getFrom(guesser, url, `guess-${i}`)).status).toBe(401);

    const blocked = await getFrom(guesser, url, app.harness.adminToken);
    expect(blocked.status).toBe(401);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(blocked.body).toMatch(/Too many failed admin authentications/);

    const warnings = app.logs.filter((line) => line.level === WARN && line.msg === 'failed admin authentication');
    expect(warnings).toHaveLength(10);
    // The guesses themselves never reach the log.
    expect(JSON.stringify(app.logs)).not.toContain('guess-');
    expect(app.takeErrors()).toEqual([]);
  });

  it('keeps serving the right token from another address', async () => {
    expect((await getFrom('127.0.0.3', url, app.harness.adminToken)).status).toBe(200);
  });

  it('lets an address with fewer failures than the limit in with the right token', async () => {
    const typo = '127.0.0.4';
    for (let i = 0; i < 3; i++) expect((await getFrom(typo, url, 'typo')).status).toBe(401);
    expect((await getFrom(typo, url, app.harness.adminToken)).status).toBe(200);
  });
});

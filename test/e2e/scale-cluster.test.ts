import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { installThroughBrowser } from '../../src/demo/browser-install';
import { processEnvironment, SANDBOX_APP, testEnvironment } from '../../src/platform/config';
import { signV3 } from '../../src/platform/hubspot-signature';
import { CONTACT_ID_BASE } from '../../src/sandbox/generator';
import { eventually, startCluster, type Cluster } from './support/cluster';

/**
 * Scale mode with real processes: 2 web and 3 worker processes of src/main.ts on one PostgreSQL
 * schema and one Redis, against a sandbox of 50 portals, each with HubSpot's own rate limits.
 */
const { databaseUrl, redisUrl, scaleE2e } = testEnvironment();
// Opt-in (TEST_SCALE_E2E=1): several child processes on a 2-core machine; it missed its cron-tick
// deadline in a loaded CI run, so it is not yet part of the default suite.
const scale = databaseUrl && redisUrl && scaleE2e ? describe : describe.skip;

const PORTALS = Array.from({ length: 50 }, (_, i) => 9_300_001 + i);
const CONTACTS_PER_PORTAL = 100;
/** Two distinct changes per contact, each delivered twice: 20,000 deliveries, 10,000 distinct events. */
const DELIVERIES_PER_CONTACT = 4;
const CRONS = [
  'sync',
  'reconcile',
  'oauth-states',
  'nightly-rescore',
  'quarterly-review',
  'workflow-callbacks',
  'admin-sessions',
  'webhook-sweep',
  'webhook-housekeeping',
];
const EVERY_MINUTE = '* * * * *';
/** The heavy schedules (a full listing, a rescore and review of every portal) tick once, two minutes after the start. */
const ONCE = `${(new Date().getUTCMinutes() + 2) % 60} * * * *`;

function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed;
  const random = () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function postSigned(
  cluster: Cluster,
  events: unknown[],
): Promise<{ status: number; accepted: number; duplicates: number; body?: string }> {
  const url = `${cluster.appBaseUrl}/webhooks/hubspot`;
  const body = JSON.stringify(events);
  const timestamp = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signV3({ method: 'POST', url, body }, SANDBOX_APP.clientSecret, timestamp),
    },
  });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, accepted: 0, duplicates: 0, body: text };
  const answer = JSON.parse(text) as { accepted?: number; duplicates?: number };
  return { status: res.status, accepted: answer.accepted ?? 0, duplicates: answer.duplicates ?? 0 };
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

scale('scale mode: web and worker processes on PostgreSQL and Redis', () => {
  let cluster: Cluster;
  jest.setTimeout(300_000);

  beforeAll(async () => {
    cluster = await startCluster({
      databaseUrl: databaseUrl!,
      redisUrl: redisUrl!,
      portals: PORTALS.map((portalId) => ({ portalId, contacts: CONTACTS_PER_PORTAL })),
      env: {
        SYNC_CRON: EVERY_MINUTE,
        RECONCILE_CRON: ONCE,
        RESCORE_CRON: ONCE,
        REVIEW_CRON: ONCE,
        JOB_CONCURRENCY: '24',
        JOB_EXPIRE_SECONDS: '60',
        JOB_MAINTENANCE_SECONDS: '5',
        SYNC_SLICE_SECONDS: '5',
      },
    });
    await Promise.all([
      cluster.start('web', 'web-1'),
      cluster.start('web', 'web-2'),
      cluster.start('worker', 'worker-1'),
      cluster.start('worker', 'worker-2'),
      cluster.start('worker', 'worker-3'),
    ]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("applies 20,000 signed deliveries exactly once, within every portal's budget, with each cron tick run once", async () => {
    const { sandbox, db, schema, jobsSchema } = cluster;
    // Workers serve only their probes and metrics.
    const worker = cluster.processes.find((p) => p.role === 'worker')!;
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/oauth/install`, { redirect: 'manual' })).status).toBe(404);

    const began = Date.now();
    const phase = (name: string) => process.stdout.write(`scale e2e: ${name} after ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
    // 1. Install every portal through the web processes; each install queues its first sync.
    await inParallel(PORTALS, 10, async (portalId) => {
      await installThroughBrowser(cluster.appBaseUrl, portalId);
    });
    phase('installed');
    await eventually(
      'every first sync',
      async () => {
        const { rows } = await db.query(`select count(*)::int as n from ${schema}.sync_cursors where stream = 'incremental:contacts'`);
        return rows[0].n === PORTALS.length ? true : undefined;
      },
      120_000,
    );
    await eventually(
      'the first write-backs',
      async () => {
        const { rows } = await db.query(`select count(*)::int as n from ${schema}.assignments where needs_write = 1`);
        return rows[0].n === 0 ? true : undefined;
      },
      60_000,
    );
    phase('first syncs done');
    const personaBefore = new Map<string, string>();
    {
      const { rows } = await db.query(`select portal_id, contact_id, written_persona from ${schema}.assignments`);
      for (const r of rows) personaBefore.set(`${r.portal_id}:${r.contact_id}`, r.written_persona);
    }
    const writesBefore = new Map(PORTALS.map((p) => [p, sandbox.writes(p).length]));

    // 2. Every contact changes in HubSpot twice; HubSpot tells us with two events, each delivered twice, in any order.
    const deliveries: unknown[] = [];
    let eventId = 1;
    const t0 = Date.now();
    for (const portalId of PORTALS) {
      for (let c = 0; c < CONTACTS_PER_PORTAL; c++) {
        const contactId = CONTACT_ID_BASE + c;
        sandbox.data.updateContact(portalId, String(contactId), { jobtitle: 'Student intern' });
        for (const [k, value] of ['Data engineer', 'Student intern'].entries()) {
          const event = {
            eventId: eventId++,
            subscriptionId: 1,
            portalId,
            appId: SANDBOX_APP.appId,
            occurredAt: t0 + c * 10 + k,
            subscriptionType: 'contact.propertyChange',
            attemptNumber: 0,
            objectId: contactId,
            propertyName: 'jobtitle',
            propertyValue: value,
            changeSource: 'CRM_UI',
            sourceId: 'userId:7000001',
          };
          deliveries.push(event, { ...event, attemptNumber: 1 });
        }
      }
    }
    expect(deliveries).toHaveLength(PORTALS.length * CONTACTS_PER_PORTAL * DELIVERIES_PER_CONTACT);
    const batches: unknown[][] = [];
    const shuffled = shuffle(deliveries, 42);
    for (let i = 0; i < shuffled.length; i += 100) batches.push(shuffled.slice(i, i + 100));
    let accepted = 0;
    let duplicates = 0;
    await inParallel(batches, 8, async (batch) => {
      const answer = await postSigned(cluster, batch);
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: undefined });
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    });
    phase('deliveries acknowledged');
    const distinct = deliveries.length / 2;
    expect({ accepted, duplicates }).toEqual({ accepted: distinct, duplicates: distinct });

    // 3. Every acknowledged event is applied, once.
    await eventually(
      'the inbox to drain',
      async () => {
        const { rows } = await db.query(`select status, count(*)::int as n from ${schema}.webhook_inbox group by status`);
        const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
        return by.done === distinct && Object.keys(by).length === 1 ? by : undefined;
      },
      120_000,
    );
    await eventually(
      'the write-backs',
      async () => {
        const { rows } = await db.query(`select count(*)::int as n from ${schema}.assignments where needs_write = 1`);
        return rows[0].n === 0 ? true : undefined;
      },
      60_000,
    );

    phase('inbox drained');
    let unchangedWrites = 0;
    for (const portalId of PORTALS) {
      const writes = sandbox.writes(portalId).filter((w) => w.changeSource === 'INTEGRATION');
      unchangedWrites += writes.reduce((n, w) => n + w.unchanged.length, 0);
      const since = sandbox
        .writes(portalId)
        .slice(writesBefore.get(portalId))
        .filter((w) => w.changeSource === 'INTEGRATION');
      const { rows } = await db.query(`select contact_id, persona_id, written_persona from ${schema}.assignments where portal_id = $1`, [
        portalId,
      ]);
      expect(rows).toHaveLength(CONTACTS_PER_PORTAL);
      for (const row of rows) {
        expect(row).toMatchObject({ persona_id: 'not_a_fit', written_persona: 'not_a_fit' });
        const hub = sandbox.data.getContact(portalId, row.contact_id);
        expect(hub?.properties.persona).toBe('not_a_fit');
        const personaWrites = since.filter((w) => w.id === row.contact_id && 'persona' in w.changed).length;
        // Exactly once when the persona changed, never when HubSpot held it already.
        expect(personaWrites).toBe(personaBefore.get(`${portalId}:${row.contact_id}`) === 'not_a_fit' ? 0 : 1);
      }
    }
    // 4. No write repeated a value HubSpot already held.
    expect(unchangedWrites).toBe(0);

    // 5. No portal saw more than 110 requests in any rolling 10 s, counted by the sandbox.
    const peaks = PORTALS.map((p) => sandbox.stats(p).peakPer10s);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(110);
    expect(PORTALS.map((p) => sandbox.stats(p).throttled).reduce((a, b) => a + b, 0)).toBe(0);

    // 6. Every cron tick ran once for the whole cluster, not once per process.
    await eventually(
      'a cron tick and its portal jobs',
      async () => {
        const { rows } = await db.query(
          `select count(*)::int as n from ${jobsSchema}.job where name = 'cron-reconcile' and state = 'completed'`,
        );
        const open = await db.query(
          `select count(*)::int as n from ${jobsSchema}.job where state in ('created', 'retry', 'active') and (name like 'portal-%' or name like 'cron-%')`,
        );
        return rows[0].n >= 1 && open.rows[0].n === 0 ? true : undefined;
      },
      150_000,
      1000,
    );
    phase('cron tick done');
    const ticks = await db.query(`
      select name, date_trunc('minute', created_on) as minute, count(*)::int as n, bool_and(state = 'completed') as completed
      from ${jobsSchema}.job where name like 'cron-%' group by name, minute`);
    for (const tick of ticks.rows)
      expect({ name: tick.name, n: tick.n, completed: tick.completed }).toEqual({ name: tick.name, n: 1, completed: true });
    const ran = new Set(ticks.rows.map((t) => t.name as string));
    for (const cron of CRONS) expect(ran).toContain(`cron-${cron}`);
    const reconcileTicks = ticks.rows.filter((t) => t.name === 'cron-reconcile').length;
    const { rows: reconciles } = await db.query(
      `select portal_id, count(*)::int as n from ${schema}.sync_runs where kind = 'reconcile' group by portal_id`,
    );
    expect(reconcileTicks).toBe(1);
    // The one tick reconciled each installed portal once, though three workers were running.
    expect(reconciles).toHaveLength(PORTALS.length);
    for (const r of reconciles) expect(r.n).toBe(1);

    // Metrics per role: the worker exports the cluster's state, every process its own HubSpot calls and jobs.
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(/personas_inbox_pending\{role="worker"\} 0/);
    expect(metrics).toMatch(/personas_jobs_total\{job="webhooks",outcome="succeeded",role="worker"\} \d+/);
    expect(metrics).toMatch(/personas_pending_writes|personas_sync_lag_seconds\{portal="\d+",role="worker"\}/);
  });
});

describe('APP_ROLE on SQLite', () => {
  it('refuses to start a worker process, naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/main.ts')], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: processEnvironment().PATH ?? '',
        APP_ROLE: 'worker',
        DATABASE_URL: 'sqlite::memory:',
        HUBSPOT_CLIENT_ID: 'cid',
        HUBSPOT_CLIENT_SECRET: 'secret',
        HUBSPOT_APP_ID: '1',
        ENCRYPTION_KEY: 'ab'.repeat(32),
        APP_BASE_URL: 'https://p.example.com',
      },
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/APP_ROLE: worker needs DATABASE_URL=postgres/);
  });
});

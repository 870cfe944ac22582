import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { installThroughBrowser } from '../../src/demo/browser-install';
import { processEnvironment, SANDBOX_APP, testEnvironment } from '../../src/platform/config';
import { CONTACT_ID_BASE } from '../../src/sandbox/generator';
import { eventually, postSigned, startCluster, tick, type Cluster } from './support/cluster';

/**
 * Scale mode with real processes: 2 web and 3 worker processes of src/main.ts on one PostgreSQL
 * schema and one Redis, against a sandbox of 50 portals, each with HubSpot's own rate limits.
 *
 * Nothing here waits for the wall clock: every step waits for state it can observe (the database,
 * the sandbox's counters), and the cron ticks are driven by the test: 50 portals of 100 contacts,
 * 20,000 signed deliveries (10,000 distinct events, each delivered twice, shuffled). The volume of
 * the first syncs at scale (50 portals × 5,000 contacts) is `npm run bench -- scale`'s.
 */
const { databaseUrl, redisUrl } = testEnvironment();
const scale = databaseUrl && redisUrl ? describe : describe.skip;

const PORTALS = Array.from({ length: 50 }, (_, i) => 9_300_001 + i);
const CONTACTS_PER_PORTAL = 100;
/** Two distinct changes per contact, each delivered twice: 20,000 deliveries, 10,000 distinct events. */
const DELIVERIES_PER_CONTACT = 4;
/** Ticked by the test, each once, through the job engine (the way pg-boss's clock queues a tick). */
const TICKED = [
  'sync',
  'reconcile',
  'oauth-states',
  'nightly-rescore',
  'quarterly-review',
  'workflow-callbacks',
  'admin-sessions',
  'webhook-housekeeping',
];
/** Ticked by pg-boss's own clock in all three workers: every minute, and at once when the first worker starts. */
const CLOCKED = 'webhook-sweep';
/** The configurable schedules point half a day away, so the clock never ticks them during the test. */
const NOT_TODAY = `0 ${(new Date().getUTCHours() + 12) % 24} * * *`;

function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed;
  const random = () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

async function dbEpochSeconds(cluster: Cluster): Promise<number> {
  const { rows } = await cluster.db.query('select extract(epoch from now())::float8 as t');
  return Number(rows[0].t);
}

scale('scale mode: web and worker processes on PostgreSQL and Redis', () => {
  let cluster: Cluster;
  let clockStartedAt = 0;
  jest.setTimeout(300_000);

  beforeAll(async () => {
    cluster = await startCluster({
      databaseUrl: databaseUrl!,
      redisUrl: redisUrl!,
      portals: PORTALS.map((portalId) => ({ portalId, contacts: CONTACTS_PER_PORTAL })),
      env: {
        SYNC_CRON: NOT_TODAY,
        RECONCILE_CRON: NOT_TODAY,
        RESCORE_CRON: NOT_TODAY,
        REVIEW_CRON: NOT_TODAY,
        JOB_CONCURRENCY: '24',
        JOB_EXPIRE_SECONDS: '60',
        JOB_MAINTENANCE_SECONDS: '5',
        SYNC_SLICE_SECONDS: '5',
      },
    });
    clockStartedAt = await dbEpochSeconds(cluster);
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

    // Web processes reach HubSpot too, inside the same per-portal budget (counted by the sandbox
    // below): a card for a contact created after the sync is fetched from HubSpot on demand.
    const webRequests = async (portalId: number) => {
      let n = 0;
      for (const web of cluster.processes.filter((p) => p.role === 'web')) {
        const text = await (await fetch(`${web.url}/metrics`)).text();
        for (const line of text.split('\n'))
          if (line.startsWith('personas_hubspot_requests_total{') && line.includes(`portal="${portalId}"`))
            n += Number(line.split(' ').pop());
      }
      return n;
    };
    const [cardPortal] = PORTALS;
    const webBefore = await webRequests(cardPortal!);
    const fresh = sandbox.data.createContact(cardPortal!, { email: 'fresh@example.com', firstname: 'Fresh', jobtitle: 'Data engineer' });
    const card = await sandbox.outbound.cardFetch({ portalId: cardPortal!, contactId: fresh.id });
    expect(card.status).toBe(200);
    expect(await webRequests(cardPortal!)).toBeGreaterThan(webBefore);
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
      // On failure, what the web processes logged says why.
      const errors = () =>
        cluster.processes.flatMap((p) => p.logs.filter((l) => Number(l.level) >= 50).map((l) => JSON.stringify(l).slice(0, 1500)));
      if (answer.status !== 200) expect({ status: answer.status, body: answer.body, errors: errors() }).toEqual({ status: 200 });
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
    const unchangedWrites: string[] = [];
    for (const portalId of PORTALS) {
      const writes = sandbox.writes(portalId).filter((w) => w.changeSource === 'INTEGRATION');
      // Companies too (committee refreshes are exclusive cluster-wide and patch only what changed), except a
      // company's first write: it sends both properties, and an empty one may repeat HubSpot's empty value.
      const written = new Set<string>();
      for (const w of writes) {
        const first = w.kind === 'companies' && !written.has(w.id);
        if (w.kind === 'companies') written.add(w.id);
        if (w.unchanged.length > 0 && !first) unchangedWrites.push(`${portalId}/${w.kind}/${w.id}: ${w.unchanged.join(',')}`);
      }
      const since = sandbox
        .writes(portalId)
        .slice(writesBefore.get(portalId))
        .filter((w) => w.changeSource === 'INTEGRATION');
      const { rows: stored } = await db.query(
        `select contact_id, persona_id, written_persona from ${schema}.assignments where portal_id = $1`,
        [portalId],
      );
      const rows = stored.filter((r) => String(r.contact_id) !== fresh.id);
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
    expect(unchangedWrites.slice(0, 10)).toEqual([]);

    // 5. No portal saw more than 110 requests in any rolling 10 s, counted by the sandbox.
    const peaks = PORTALS.map((p) => sandbox.stats(p).peakPer10s);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(110);
    expect(PORTALS.map((p) => sandbox.stats(p).throttled).reduce((a, b) => a + b, 0)).toBe(0);

    // 6. Every cron job runs once per tick for the whole cluster, not once per process. The test queues
    // one tick of each schedule, as pg-boss's clock does; three workers poll those queues.
    await tick(cluster, TICKED);
    await eventually(
      'the ticks and the portal jobs they queued',
      async () => {
        const { rows } = await db.query(`select count(*)::int as n from ${jobsSchema}.job where name = any($1) and state = 'completed'`, [
          TICKED.map((n) => `cron-${n}`),
        ]);
        const open = await db.query(
          `select count(*)::int as n from ${jobsSchema}.job where state in ('created', 'retry', 'active') and (name like 'portal-%' or name = any($1))`,
          [TICKED.map((n) => `cron-${n}`)],
        );
        return rows[0].n === TICKED.length && open.rows[0].n === 0 ? true : undefined;
      },
      120_000,
      250,
    );
    phase('cron ticks done');
    const { rows: ticks } = await db.query(
      `select name, count(*)::int as n, bool_and(state = 'completed') as completed from ${jobsSchema}.job where name like 'cron-%' group by name`,
    );
    const tickCount = Object.fromEntries(ticks.map((t) => [t.name as string, t.n as number]));
    for (const name of TICKED) expect({ name, ticks: tickCount[`cron-${name}`] }).toEqual({ name, ticks: 1 });
    for (const tick of ticks.filter((t) => t.name !== `cron-${CLOCKED}`))
      expect({ name: tick.name, completed: tick.completed }).toEqual({ name: tick.name, completed: true });
    // Each tick's body ran in one process only.
    const bodies = cluster.processes.flatMap((p) => p.logs.filter((l) => l.msg === 'scheduled job finished').map((l) => String(l.job)));
    for (const name of TICKED) expect({ name, runs: bodies.filter((b) => b === name).length }).toEqual({ name, runs: 1 });
    // The one reconcile tick reconciled each installed portal once, though three workers were running.
    const { rows: reconciles } = await db.query(
      `select portal_id, count(*)::int as n from ${schema}.sync_runs where kind = 'reconcile' group by portal_id`,
    );
    expect(reconciles).toHaveLength(PORTALS.length);
    for (const r of reconciles) expect(r.n).toBe(1);
    // pg-boss's clock runs in all three workers, yet a schedule fires at most once per minute for the
    // cluster. The every-minute sweep's first tick comes at the clock's first check after the
    // schedules exist (pg-boss checks every 30 s, one process at a time).
    const sweeps = await eventually(
      "the clock's first sweep tick",
      async () => {
        const { rows } = await db.query(`select count(*)::int as n from ${jobsSchema}.job where name = $1`, [`cron-${CLOCKED}`]);
        if (rows[0].n >= 1) return rows[0].n as number;
        // Still none: say what the clock's state is, so a timeout tells why.
        const clock = await db.query(
          `select (select count(*)::int from ${jobsSchema}.queue where name = '__pgboss__send-it') as clock_queue,
                  (select cron_on from ${jobsSchema}.version) as cron_on,
                  (select count(*)::int from ${jobsSchema}.schedule) as schedules`,
        );
        throw new Error(`no sweep yet: ${JSON.stringify(clock.rows[0])}`);
      },
      120_000,
    );
    const minutesSpanned = Math.floor((await dbEpochSeconds(cluster)) / 60) - Math.floor(clockStartedAt / 60) + 1;
    expect(sweeps).toBeLessThanOrEqual(minutesSpanned);

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

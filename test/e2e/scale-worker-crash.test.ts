import { installThroughBrowser } from '../../src/demo/browser-install';
import { testEnvironment } from '../../src/platform/config';
import type { Sandbox } from '../../src/sandbox';
import { startAppHarness } from '../support/app-harness';
import { eventually, startCluster, type Cluster } from './support/cluster';

/**
 * A worker process SIGKILLed in the middle of a portal's full sync: the job engine hands the job to
 * another worker once the dead one's claim expires, the sync resumes from the persisted cursor, and
 * HubSpot ends up with exactly the writes a single process makes, each once.
 */
const { databaseUrl, redisUrl } = testEnvironment();
const scale = databaseUrl && redisUrl ? describe : describe.skip;

const PORTAL = 9_700_001;
const CONTACTS = 1_000;

/** The persona each contact was given through the API, and how many writes changed it. */
function personaWrites(sandbox: Sandbox): { last: Map<string, string>; count: Map<string, number>; unchanged: number } {
  const last = new Map<string, string>();
  const count = new Map<string, number>();
  let unchanged = 0;
  for (const w of sandbox.writes(PORTAL)) {
    if (w.changeSource !== 'INTEGRATION' || w.kind !== 'contacts') continue;
    unchanged += w.unchanged.length;
    const persona = w.changed.persona;
    if (persona === undefined || persona === null) continue;
    last.set(w.id, persona);
    count.set(w.id, (count.get(w.id) ?? 0) + 1);
  }
  return { last, count, unchanged };
}

scale('scale mode: a worker killed mid full sync', () => {
  let cluster: Cluster;
  jest.setTimeout(240_000);

  beforeAll(async () => {
    cluster = await startCluster({
      databaseUrl: databaseUrl!,
      redisUrl: redisUrl!,
      portals: [{ portalId: PORTAL, contacts: CONTACTS }],
      // One long slice, so the sync stays on the worker that is killed; a dead worker's job is handed out after 10 s.
      // Both workers are up before the install: whichever takes the sync is the one killed.
      // The killed worker's HubSpot requests hold the portal's slots in the shared (Redis) limiter until they time out.
      env: {
        JOBS_ENABLED: 'false',
        SYNC_SLICE_SECONDS: '600',
        JOB_EXPIRE_SECONDS: '10',
        JOB_MAINTENANCE_SECONDS: '1',
        HUBSPOT_REQUEST_TIMEOUT_SECONDS: '10',
      },
    });
    await Promise.all([cluster.start('web', 'web-1'), cluster.start('worker', 'worker-a'), cluster.start('worker', 'worker-b')]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('completes on another worker from the persisted cursor, writing what a single process writes, each once', async () => {
    const { db, schema } = cluster;
    const began = Date.now();
    const phase = (name: string) => process.stdout.write(`scale crash e2e: ${name} after ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
    // HubSpot answers the first six pages of the contact listing, then stops answering (as a hung
    // worker would look): the sync is mid-way when the worker is killed, however slow the machine.
    const listing = /^\/crm\/v3\/objects\/contacts$/;
    cluster.sandbox.faults.slow(0, { pathPattern: listing, count: 6 });
    cluster.sandbox.faults.slow(600_000, { pathPattern: listing });
    await installThroughBrowser(cluster.appBaseUrl, PORTAL);
    // Contacts the sync has finished, as persisted after each page (what a resumed sync starts from).
    const persisted = async () => {
      const { rows } = await db.query(`select cursor from ${schema}.sync_cursors where portal_id = $1 and stream = 'full:done'`, [PORTAL]);
      return rows.length === 1 ? Number(JSON.parse(rows[0].cursor).contacts ?? 0) : null;
    };
    const doneAtKill = await eventually(
      'the full sync to be under way',
      async () => {
        const done = await persisted();
        return done !== null && done >= 200 ? done : undefined;
      },
      120_000,
      100,
    );
    phase(`under way (${doneAtKill} contacts done)`);
    // The worker holding the portal dies; HubSpot answers again.
    const workers = cluster.processes.filter((p) => p.role === 'worker');
    const { rows: holders } = await db.query(
      `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where l.locktype = 'advisory' and l.granted and a.application_name = any($1)`,
      [workers.map((w) => `personas-portal-locks:${w.child.pid}`)],
    );
    expect(holders).toHaveLength(1);
    const killed = workers.find((w) => holders[0].application_name === `personas-portal-locks:${w.child.pid}`)!;
    const survivor = workers.find((w) => w !== killed)!;
    killed.child.kill('SIGKILL');
    await killed.exited;
    cluster.sandbox.faults.clear();
    expect(doneAtKill).toBeLessThan(CONTACTS);
    phase(`${killed.name} killed`);

    await eventually(
      'the sync to complete on the other worker',
      async () => {
        const { rows } = await db.query(
          `select count(*)::int as n from ${schema}.sync_cursors where portal_id = $1 and stream = 'incremental:contacts'`,
          [PORTAL],
        );
        const pending = await db.query(`select count(*)::int as n from ${schema}.assignments where portal_id = $1 and needs_write = 1`, [
          PORTAL,
        ]);
        // The run logs its end after its last cursor is stored, so wait for both.
        const finished = survivor.logs.some((l) => l.msg === 'sync finished' && l.portalId === PORTAL);
        return rows[0].n === 1 && pending.rows[0].n === 0 && finished ? true : undefined;
      },
      150_000,
    );
    phase('completed');
    const { rows: stored } = await db.query(`select count(*)::int as n from ${schema}.contacts where portal_id = $1`, [PORTAL]);
    expect(stored[0].n).toBe(CONTACTS);
    const cluster_ = personaWrites(cluster.sandbox);

    // The same portal synced by one process from scratch.
    const single = await startAppHarness({ portalId: PORTAL, contacts: CONTACTS });
    try {
      await single.install();
      await eventually(
        'the single-process sync',
        async () => {
          const pending = await single.app.stores.assignments.countPendingWrites(PORTAL);
          return !single.app.services.sync.isRunning(PORTAL) &&
            pending === 0 &&
            (await single.app.services.sync.needsFullSync(PORTAL)) === false
            ? true
            : undefined;
        },
        120_000,
        200,
      );
      phase('single-process reference done');
      const reference = personaWrites(single.sandbox);
      expect(cluster_.last.size).toBe(reference.last.size);
      expect(new Map([...cluster_.last].sort())).toEqual(new Map([...reference.last].sort()));
      expect([...cluster_.count.values()].every((n) => n === 1)).toBe(true);
      expect(cluster_.unchanged).toBe(0);
    } finally {
      await single.close();
    }
  });
});

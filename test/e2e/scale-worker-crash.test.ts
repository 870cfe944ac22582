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
const { databaseUrl, redisUrl, scaleE2e } = testEnvironment();
// Opt-in (TEST_SCALE_E2E=1): several child processes on a 2-core machine; it missed its cron-tick
// deadline in a loaded CI run, so it is not yet part of the default suite.
const scale = databaseUrl && redisUrl && scaleE2e ? describe : describe.skip;

const PORTAL = 9_700_001;
const CONTACTS = 3_000;

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
      env: { JOBS_ENABLED: 'false', SYNC_SLICE_SECONDS: '600', JOB_EXPIRE_SECONDS: '10', JOB_MAINTENANCE_SECONDS: '1' },
    });
    await Promise.all([cluster.start('web', 'web-1'), cluster.start('worker', 'worker-a')]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('completes on another worker from the persisted cursor, writing what a single process writes, each once', async () => {
    const { db, schema } = cluster;
    await installThroughBrowser(cluster.appBaseUrl, PORTAL);
    const progress = async () => {
      const { rows } = await db.query(
        `select progress from ${schema}.sync_runs where portal_id = $1 and kind = 'full' and status = 'running'`,
        [PORTAL],
      );
      return rows.length === 1 ? Number(JSON.parse(rows[0].progress).done ?? 0) : null;
    };
    const doneAtKill = await eventually(
      'the full sync to be under way',
      async () => {
        const done = await progress();
        return done !== null && done >= CONTACTS / 5 ? done : undefined;
      },
      120_000,
      100,
    );
    await cluster.start('worker', 'worker-b');
    const a = cluster.processes.find((p) => p.name === 'worker-a')!;
    a.child.kill('SIGKILL');
    await a.exited;
    expect(doneAtKill).toBeLessThan(CONTACTS);

    await eventually(
      'the sync to complete on worker B',
      async () => {
        const { rows } = await db.query(
          `select count(*)::int as n from ${schema}.sync_cursors where portal_id = $1 and stream = 'incremental:contacts'`,
          [PORTAL],
        );
        const pending = await db.query(`select count(*)::int as n from ${schema}.assignments where portal_id = $1 and needs_write = 1`, [
          PORTAL,
        ]);
        return rows[0].n === 1 && pending.rows[0].n === 0 ? true : undefined;
      },
      150_000,
    );
    const b = cluster.processes.find((p) => p.name === 'worker-b')!;
    expect(b.logs.some((l) => l.msg === 'sync finished' && l.portalId === PORTAL)).toBe(true);
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

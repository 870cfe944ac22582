import { Pool } from 'pg';
import pino from 'pino';
import { CommitteeService } from '../../../src/committee/committee-service';
import type { BatchWriteResult, HubSpotGateways, PortalHubSpot } from '../../../src/crm/hubspot-port';
import { PgPortalMutex } from '../../../src/jobs/portal-mutex';
import { PortalLocks } from '../../../src/jobs/portal-locks';
import { silentLogger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { openPostgresForTest, postgresUrl } from '../../support/databases';
import { aPersona, aRuleSet } from '../../support/rule-set-builders';
import { seedCompaniesWithOneUser } from '../../support/committee-seed';

const P = 7;
const ruleSet = aRuleSet([aPersona({ id: 'buyer', kind: 'buyer', committee: true }), aPersona({ id: 'user' })]);

type Input = { id: string; properties: Record<string, string> };

/**
 * One HubSpot shared by both "processes": it keeps the properties, records every input it was sent,
 * and can hold a process's batch at a gate so the test decides who is slow.
 */
function sharedHubSpot() {
  const companies = new Map<string, Record<string, string>>();
  const sent: { by: string; input: Input }[] = [];
  let gate: { by: string; entered: () => void; open: Promise<void> } | null = null;
  const gatewaysOf = (by: string): HubSpotGateways => {
    const portal = {
      portalId: P,
      async updateCompanies(inputs: readonly Input[]): Promise<BatchWriteResult> {
        const g = gate;
        if (g?.by === by) {
          gate = null;
          g.entered();
          await g.open;
        }
        // A round trip: the other process gets to run meanwhile.
        await new Promise((r) => setTimeout(r, 5));
        for (const input of inputs) {
          sent.push({ by, input });
          companies.set(input.id, { ...companies.get(input.id), ...input.properties });
        }
        return { written: inputs.map((i) => i.id), failed: [] };
      },
    } as unknown as PortalHubSpot;
    return { forPortal: () => portal };
  };
  /** The next batch `by` sends waits until the returned `open` is called; `entered` settles once it waits. */
  const hold = (by: string) => {
    let open!: () => void;
    let entered!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    const arrived = new Promise<void>((r) => (entered = r));
    gate = { by, entered, open: opened };
    return { open, entered: arrived };
  };
  return { companies, sent, gatewaysOf, hold };
}

(postgresUrl ? describe : describe.skip)('committee refreshes across processes (PostgreSQL advisory lock)', () => {
  let first: Storage;
  let second: Storage;
  let s: Stores;
  const mutexes: PgPortalMutex[] = [];

  beforeEach(async () => {
    first = await openPostgresForTest();
    // The second process: its own connections to the same schema.
    second = await openStorage(first.postgres!.url, { schema: first.postgres!.schema });
    s = createStores(first);
  });
  afterEach(async () => {
    for (const m of mutexes.splice(0)) await m.close();
    await second.close();
    await first.close();
  });

  /** A process: its own storage connections and its own lock connections, one namespace for the cluster. */
  function processOn(storage: Storage, gateways: HubSpotGateways, logger = silentLogger): CommitteeService {
    const mutex = new PgPortalMutex({
      connectionString: storage.postgres!.url,
      namespace: `personas:${storage.postgres!.schema}:committee`,
      logger,
    });
    mutexes.push(mutex);
    return new CommitteeService({
      crm: createStores(storage).crm,
      gateways,
      ruleSet: async () => ruleSet,
      grantedScopes: async () => ['crm.objects.companies.write'],
      clock: { now: () => 1 },
      logger: silentLogger,
      exclusive: (portalId, task) => mutex.exclusive(portalId, task),
    });
  }

  /** `companies` companies, one contact each, all users. */
  const seed = (companies: number) => seedCompaniesWithOneUser(s, P, companies, 3);

  it('writes each change exactly once when two processes refresh the same companies at once', async () => {
    const ids = await seed(150);
    const hubspot = sharedHubSpot();
    const a = processOn(first, hubspot.gatewaysOf('a'));
    const b = processOn(second, hubspot.gatewaysOf('b'));

    const [ra, rb] = await Promise.all([a.refreshAll(P), b.refreshCompanies(P, ids)]);
    expect(ra.written + rb.written).toBe(150);
    expect(hubspot.sent.map((x) => x.input.id).sort()).toEqual(ids);

    // Ten contacts change; both processes refresh every company again, twice each.
    for (const i of [0, 14, 15, 30, 60, 99, 100, 120, 148, 149]) {
      await s.assignments.setOverride(P, `k${i}`, { persona: 'buyer', by: 'rep', at: 2 });
    }
    hubspot.sent.length = 0;
    await Promise.all([a.refreshCompanies(P, ids), b.refreshAll(P), a.refreshAll(P), b.refreshCompanies(P, ids)]);
    expect(hubspot.sent.map((x) => x.input.id).sort()).toEqual([
      'c000',
      'c014',
      'c015',
      'c030',
      'c060',
      'c099',
      'c100',
      'c120',
      'c148',
      'c149',
    ]);
    expect(hubspot.companies.get('c014')).toEqual({ persona_coverage: 'buyer', persona_gaps: '' });
    expect(hubspot.companies.get('c013')).toEqual({ persona_coverage: 'user', persona_gaps: 'buyer' });
  });

  it('never lets an older computation overwrite a newer one: the second process waits, re-reads and writes the newest', async () => {
    const [c0] = await seed(1);
    const hubspot = sharedHubSpot();
    const a = processOn(first, hubspot.gatewaysOf('a'));
    const b = processOn(second, hubspot.gatewaysOf('b'));
    await a.refreshAll(P); // user / buyer
    hubspot.sent.length = 0;

    // Process a computes "buyer" and is slow to send it; meanwhile the contact becomes "user" again and b refreshes.
    await s.assignments.setOverride(P, 'k0', { persona: 'buyer', by: 'rep', at: 2 });
    const gate = hubspot.hold('a');
    const older = a.refreshCompanies(P, [c0]);
    await gate.entered;
    await s.assignments.setOverride(P, 'k0', { persona: 'user', by: 'rep', at: 3 });
    const newer = b.refreshCompanies(P, [c0]);
    await waitForAdvisoryLockWaiter(first.postgres!.url);
    expect(hubspot.sent).toEqual([]);
    gate.open();
    await Promise.all([older, newer]);

    expect(hubspot.sent.map((x) => [x.by, x.input.properties])).toEqual([
      ['a', { persona_coverage: 'buyer', persona_gaps: '' }],
      ['b', { persona_coverage: 'user', persona_gaps: 'buyer' }],
    ]);
    expect(hubspot.companies.get(c0)).toEqual({ persona_coverage: 'user', persona_gaps: 'buyer' });
    expect((await s.crm.writtenCoverage(P, [c0])).get(c0)).toEqual({ coverage: 'user', gaps: 'buyer' });
  });

  it('stops before its next batch when its lock connection fails, and a later refresh writes the rest once', async () => {
    await seed(250);
    const hubspot = sharedHubSpot();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
    const a = processOn(first, hubspot.gatewaysOf('a'), logger);

    // The first batch is on its way when the database ends the lock's session (a failover, a network cut).
    const gate = hubspot.hold('a');
    const refresh = a.refreshAll(P);
    refresh.catch(() => undefined);
    await gate.entered;
    await terminateLockSessions(first.postgres!.url);
    for (let i = 0; i < 500 && !warnings.includes('lost a portal mutex: its database connection failed'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    gate.open();
    await expect(refresh).rejects.toThrow(/mutex was lost/);
    expect(hubspot.sent).toHaveLength(100);

    // Another lock connection, another run: the 150 not written yet, nothing twice.
    const again = await a.refreshAll(P);
    expect(again.written).toBe(150);
    expect(new Set(hubspot.sent.map((x) => x.input.id)).size).toBe(250);
    expect(hubspot.sent).toHaveLength(250);
  });

  it("is not blocked by a job holding the portal's job lock (another key space)", async () => {
    await seed(1);
    const locks = new PortalLocks({
      connectionString: first.postgres!.url,
      namespace: `personas:${first.postgres!.schema}`,
      logger: silentLogger,
      onLost: () => undefined,
    });
    try {
      expect(await locks.tryLock(P)).toBe(true);
      const hubspot = sharedHubSpot();
      expect((await processOn(second, hubspot.gatewaysOf('b')).refreshAll(P)).written).toBe(1);
    } finally {
      await locks.close();
    }
  });
});

/** Ends this process's sessions that hold an advisory lock, as a failover or a network cut would. */
async function terminateLockSessions(url: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query<{ ended: boolean }>(
      `select pg_terminate_backend(a.pid) as ended from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and a.application_name = $1`,
      [`personas-portal-mutex:${process.pid}`],
    );
    if (rows.length === 0) throw new Error('no session of this process held an advisory lock');
  } finally {
    await pool.end();
  }
}

/** Resolves once some session waits for an advisory lock (the second process queued behind the first). */
async function waitForAdvisoryLockWaiter(url: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    for (let i = 0; i < 500; i++) {
      // This process's lock connections only: other runs on the server have other pids.
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where l.locktype = 'advisory' and not l.granted and a.application_name = $1`,
        [`personas-portal-mutex:${process.pid}`],
      );
      if ((rows[0]?.n ?? 0) > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the second process never waited for the lock');
  } finally {
    await pool.end();
  }
}

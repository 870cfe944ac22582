import { installThroughBrowser } from '../../src/demo/browser-install';
import { SANDBOX_APP, testEnvironment } from '../../src/platform/config';
import { CONTACT_ID_BASE } from '../../src/sandbox/generator';
import { eventually, postSigned, startCluster, tick, type Cluster } from './support/cluster';

/**
 * Fair scheduling in scale mode: a large portal's full sync occupies the long lane (here its only
 * slot, and HubSpot holds the large portal's listing mid-sync, so the sync cannot end or yield on
 * its own), and meanwhile the small portals' webhook updates are applied and written back, and
 * their 15-minute incremental syncs run. Asserted as ordering (the large sync is still running and
 * has not advanced), never as times.
 */
const { databaseUrl, redisUrl } = testEnvironment();
const scale = databaseUrl && redisUrl ? describe : describe.skip;

const LARGE = 9_500_001;
const LARGE_CONTACTS = 3_000;
const SMALL = [9_500_002, 9_500_003, 9_500_004];
const SMALL_CONTACTS = 20;
const LISTING = /^\/crm\/v3\/objects\/contacts$/;
/** Listing pages (of 100) HubSpot answers the large portal before it holds the listing. */
const ANSWERED_PAGES = 3;

scale('scale mode: a large full sync beside small portals', () => {
  let cluster: Cluster;
  jest.setTimeout(240_000);

  beforeAll(async () => {
    cluster = await startCluster({
      databaseUrl: databaseUrl!,
      redisUrl: redisUrl!,
      portals: [{ portalId: LARGE, contacts: LARGE_CONTACTS }, ...SMALL.map((portalId) => ({ portalId, contacts: SMALL_CONTACTS }))],
      // One long-lane slot (the short lane keeps its 4), 1 s full-sync slices; the test ticks the schedules.
      // The held request must not time out while the test looks.
      env: { JOBS_ENABLED: 'false', JOB_CONCURRENCY: '1', SYNC_SLICE_SECONDS: '1', HUBSPOT_REQUEST_TIMEOUT_SECONDS: '600' },
    });
    await Promise.all([cluster.start('web', 'web-1'), cluster.start('worker', 'worker-1')]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("applies the small portals' webhook updates and runs their incremental syncs while the large portal's full sync holds the long lane", async () => {
    const { db, schema, jobsSchema, sandbox } = cluster;
    const synced = async (portalId: number) => {
      const { rows } = await db.query(
        `select count(*)::int as n from ${schema}.sync_cursors where portal_id = $1 and stream = 'incremental:contacts'`,
        [portalId],
      );
      const pending = await db.query(`select count(*)::int as n from ${schema}.assignments where portal_id = $1 and needs_write = 1`, [
        portalId,
      ]);
      return rows[0].n === 1 && pending.rows[0].n === 0;
    };
    /** The large portal's latest full run, and the contacts it has finished as persisted after each page. */
    const largeRun = async () => {
      const { rows } = await db.query(
        `select status from ${schema}.sync_runs where portal_id = $1 and kind = 'full' order by id desc limit 1`,
        [LARGE],
      );
      const { rows: done } = await db.query(`select cursor from ${schema}.sync_cursors where portal_id = $1 and stream = 'full:done'`, [
        LARGE,
      ]);
      if (rows.length === 0 || done.length === 0) return null;
      return { status: rows[0].status as string, done: Number(JSON.parse(done[0].cursor).contacts ?? 0) };
    };
    const largeSlices = async () => {
      const { rows } = await db.query(
        `select count(*)::int as n from ${jobsSchema}.job where name = 'portal-long' and data->>'job' = 'sync-full' and (data->>'portalId')::bigint = $1`,
        [LARGE],
      );
      return rows[0].n as number;
    };

    for (const portalId of SMALL) await installThroughBrowser(cluster.appBaseUrl, portalId);
    await eventually(
      'the small portals’ first syncs',
      async () => ((await Promise.all(SMALL.map(synced))).every(Boolean) ? true : undefined),
      120_000,
    );

    // HubSpot answers the large portal's first three listing pages, then holds its listing.
    sandbox.faults.slow(0, { portalId: LARGE, pathPattern: LISTING, count: ANSWERED_PAGES });
    sandbox.faults.slow(600_000, { portalId: LARGE, pathPattern: LISTING });
    await installThroughBrowser(cluster.appBaseUrl, LARGE);
    await eventually(
      'the large full sync to be under way',
      async () => {
        const run = await largeRun();
        return run?.status === 'running' && run.done >= 100 ? run : undefined;
      },
      120_000,
      200,
    );

    // 1. A small portal's contact changes in HubSpot: the event is applied and the persona written back.
    const [first] = SMALL;
    const contactId = String(CONTACT_ID_BASE);
    sandbox.data.updateContact(first!, contactId, { jobtitle: 'Student intern' });
    const event = {
      eventId: 1,
      subscriptionId: 1,
      portalId: first,
      appId: SANDBOX_APP.appId,
      occurredAt: Date.now(),
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: CONTACT_ID_BASE,
      propertyName: 'jobtitle',
      propertyValue: 'Student intern',
      changeSource: 'CRM_UI',
    };
    expect(await postSigned(cluster, [event])).toEqual({ status: 200, accepted: 1, duplicates: 0 });
    await eventually(
      'the webhook update written back',
      async () =>
        sandbox.data.getContact(first!, contactId)?.properties.persona === 'not_a_fit' &&
        (await db.query(`select count(*)::int as n from ${schema}.webhook_inbox where portal_id = $1 and status <> 'done'`, [first]))
          .rows[0].n === 0
          ? true
          : undefined,
      120_000,
      200,
    );
    const afterWebhook = await largeRun();

    // 2. The 15-minute schedule ticks: every small portal's incremental sync runs.
    const { rows: before } = await db.query(`select coalesce(max(id), 0)::int as id from ${schema}.sync_runs`);
    await tick(cluster, ['sync']);
    await eventually(
      'an incremental sync of every small portal',
      async () => {
        const { rows } = await db.query(
          `select count(distinct portal_id)::int as n from ${schema}.sync_runs
           where kind = 'incremental' and status = 'succeeded' and portal_id = any($1) and id > $2`,
          [SMALL, before[0].id],
        );
        return rows[0].n === SMALL.length ? true : undefined;
      },
      120_000,
      200,
    );
    const afterIncremental = await largeRun();

    // Both happened while the large portal's full sync was still running, not past the pages HubSpot had answered.
    for (const run of [afterWebhook, afterIncremental]) {
      expect(run?.status).toBe('running');
      expect(run?.done).toBeLessThanOrEqual(ANSWERED_PAGES * 100);
    }
    expect(await synced(LARGE)).toBe(false);

    // 3. HubSpot answers again: the large sync completes, having yielded its slot between slices.
    sandbox.faults.clear();
    await eventually('the large first sync', async () => ((await synced(LARGE)) ? true : undefined), 180_000, 500);
    const { rows: stored } = await db.query(`select count(*)::int as n from ${schema}.contacts where portal_id = $1`, [LARGE]);
    expect(stored[0].n).toBe(LARGE_CONTACTS);
    expect(await largeSlices()).toBeGreaterThan(1);
  });
});

import { DiscoveryRuns } from '../../../src/insights/discovery-runs';
import { AppError } from '../../../src/platform/errors';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';

const P = 91;
const HEARTBEAT_MS = 25;

describe('discovery runs whose process died', () => {
  let storage: Storage;
  let stores: Stores;
  let now: number;
  const enqueued: string[] = [];

  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
    now = Date.now();
    enqueued.length = 0;
  });
  afterEach(async () => {
    await storage.close();
  });

  const runsWith = (discover: ConstructorParameters<typeof DiscoveryRuns>[0]['discover'], clock: () => number = () => now) =>
    new DiscoveryRuns({
      runs: stores.discoveryRuns,
      enqueue: async (_portalId, runId) => {
        enqueued.push(runId);
      },
      discover,
      now: clock,
      heartbeatMs: HEARTBEAT_MS,
    });
  const never = () => new Promise<{ id: string }>(() => undefined);

  it('shows a running run that went silent for twelve heartbeats as failed, and lets a new run start', async () => {
    const runs = runsWith(never);
    const first = await runs.start(P);
    // The job started it, then its process died: nothing touches the run any more.
    await stores.discoveryRuns.update(P, first.id, { status: 'running', phase: 'clustering' }, now);

    now += 12 * HEARTBEAT_MS;
    expect((await runs.get(P, first.id)).status).toBe('running');
    expect((await runs.start(P)).id).toBe(first.id);

    now += 1;
    const lost = await runs.get(P, first.id);
    expect(lost).toMatchObject({ status: 'failed', error: expect.stringContaining('start discovery again') });
    expect(await runs.latest(P)).toMatchObject({ id: first.id, status: 'failed' });
    const second = await runs.start(P);
    expect(second.id).not.toBe(first.id);
    expect(enqueued).toEqual([first.id, second.id]);
  });

  it('keeps a queued run for thirty minutes: it may wait behind long syncs for a job slot', async () => {
    const runs = runsWith(never);
    const queued = await runs.start(P);
    now += 29 * 60_000;
    expect((await runs.start(P)).id).toBe(queued.id);
    now += 2 * 60_000;
    expect((await runs.get(P, queued.id)).status).toBe('failed');
    expect((await runs.start(P)).id).not.toBe(queued.id);
  });

  it('touches a running run while discovery reports nothing, and never after its outcome is recorded', async () => {
    let finish!: (r: { id: string }) => void;
    const runs = runsWith(
      () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
      () => Date.now(),
    );
    const run = await runs.start(P);
    const executing = runs.execute(P, run.id);
    await new Promise((r) => setTimeout(r, 10 * HEARTBEAT_MS));
    const touched = (await stores.discoveryRuns.get(P, run.id))!;
    expect(touched.status).toBe('running');
    expect(touched.updatedAt).toBeGreaterThan(run.updatedAt + 4 * HEARTBEAT_MS);

    finish({ id: '7' });
    await executing;
    const done = (await stores.discoveryRuns.get(P, run.id))!;
    await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
    expect(await stores.discoveryRuns.get(P, run.id)).toEqual(done);
    expect(done).toMatchObject({ status: 'succeeded', reportId: '7' });
  });

  it('records a failure the admin can read, and stops touching the run', async () => {
    const runs = runsWith(async () => {
      await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_MS));
      throw new AppError('bad_request', 'discovery needs at least 20 contacts');
    });
    const run = await runs.start(P);
    await runs.execute(P, run.id);
    const failed = (await stores.discoveryRuns.get(P, run.id))!;
    await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
    expect(await stores.discoveryRuns.get(P, run.id)).toEqual(failed);
    expect(failed).toMatchObject({ status: 'failed', error: 'discovery needs at least 20 contacts' });
  });
});

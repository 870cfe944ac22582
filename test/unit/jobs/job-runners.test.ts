import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { InProcessJobRunner } from '../../../src/jobs/in-process-job-runner';
import type { JobRunner, PortalJobDefinition } from '../../../src/jobs/job-runner';
import { PgBossJobRunner } from '../../../src/jobs/pg-boss-job-runner';
import { testEnvironment } from '../../../src/platform/config';
import { silentLogger } from '../../../src/platform/logger';

const { databaseUrl } = testEnvironment();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records which portal jobs overlap in time. */
function recorder() {
  const running = new Map<number, number>();
  const log: string[] = [];
  let overlaps = 0;
  const job = (name: string, lane: 'long' | 'short', ms: number): PortalJobDefinition => ({
    name,
    lane,
    run: async (portalId) => {
      running.set(portalId, (running.get(portalId) ?? 0) + 1);
      if (running.get(portalId)! > 1) overlaps++;
      log.push(`start ${name} ${portalId}`);
      await sleep(ms);
      log.push(`end ${name} ${portalId}`);
      running.set(portalId, running.get(portalId)! - 1);
    },
  });
  return { job, log, overlaps: () => overlaps };
}

describe('the in-process job runner (embedded layout)', () => {
  it('runs one job per portal at a time, whatever the job, and portals side by side', async () => {
    const runner = new InProcessJobRunner({ logger: silentLogger, concurrency: { long: 4, short: 4 } });
    const r = recorder();
    runner.definePortalJob(r.job('sync-full', 'long', 60));
    runner.definePortalJob(r.job('webhooks', 'short', 20));
    await runner.start({ work: true, schedules: false });
    await Promise.all([
      runner.enqueue('sync-full', 1),
      runner.enqueue('webhooks', 1),
      runner.enqueue('sync-full', 2),
      runner.enqueue('webhooks', 2),
    ]);
    await runner.idle();
    expect(r.overlaps()).toBe(0);
    // The two portals' first jobs ran side by side.
    expect(r.log.indexOf('start sync-full 2')).toBeLessThan(r.log.indexOf('end sync-full 1'));
    await runner.stop();
  });

  it("keeps long work out of the short lane: a full lane of long jobs does not delay another portal's short job", async () => {
    const runner = new InProcessJobRunner({ logger: silentLogger, concurrency: { long: 1, short: 1 } });
    let release!: () => void;
    const longRunning = new Promise<void>((resolve) => {
      release = resolve;
    });
    let shortDone!: () => void;
    const shortFinished = new Promise<void>((resolve) => {
      shortDone = resolve;
    });
    const ended: string[] = [];
    runner.definePortalJob({
      name: 'sync-full',
      lane: 'long',
      run: async (p) => {
        await longRunning;
        ended.push(`sync-full ${p}`);
      },
    });
    runner.definePortalJob({
      name: 'webhooks',
      lane: 'short',
      run: async (p) => {
        ended.push(`webhooks ${p}`);
        shortDone();
      },
    });
    await runner.start({ work: true, schedules: false });
    await runner.enqueue('sync-full', 1);
    await runner.enqueue('sync-full', 2);
    await runner.enqueue('webhooks', 3);
    // The short job finishes while the long lane is still held.
    await shortFinished;
    expect(ended).toEqual(['webhooks 3']);
    release();
    await runner.idle();
    expect(ended).toEqual(['webhooks 3', 'sync-full 1', 'sync-full 2']);
    await runner.stop();
  });

  it('absorbs a request for a job already waiting, and queues the next slice a job asks for', async () => {
    const runner = new InProcessJobRunner({ logger: silentLogger, concurrency: { long: 1, short: 1 } });
    let runs = 0;
    runner.definePortalJob({
      name: 'slow',
      lane: 'long',
      run: async () => {
        await sleep(30);
      },
    });
    runner.definePortalJob({ name: 'sliced', lane: 'long', run: async () => (++runs < 3 ? { again: { afterMs: 0 } } : undefined) });
    await runner.start({ work: true, schedules: false });
    await runner.enqueue('slow', 1);
    await runner.enqueue('sliced', 1);
    await runner.enqueue('sliced', 1);
    await runner.idle();
    expect(runs).toBe(3);
    await runner.stop();
  });
});

(databaseUrl ? describe : describe.skip)('the pg-boss job runner (scale mode)', () => {
  // Named after the jest run, whose global teardown drops it (see test/support/postgres-run-schemas.js).
  const run = testEnvironment().schemaRun;
  const schema = `t${run ?? ''}_jobs_${randomBytes(5).toString('hex')}`;
  // A cluster of its own for the start-up test: the runners of the earlier tests still work the shared
  // schema's queues, and one of them took its job (the test then saw nothing run in its own process).
  const startupSchema = `${schema}_startup`;
  const runners: JobRunner[] = [];
  afterAll(async () => {
    for (const r of runners) await r.stop();
    if (run) return;
    const pool = new Pool({ connectionString: databaseUrl, max: 1 });
    for (const name of [schema, startupSchema]) await pool.query(`drop schema if exists ${name} cascade`);
    await pool.end();
  });

  it('never runs two jobs of one portal at once across processes, and runs different portals in parallel', async () => {
    const r = recorder();
    const make = () => {
      const runner = new PgBossJobRunner({
        connectionString: databaseUrl!,
        schema,
        logger: silentLogger,
        concurrency: { long: 4, short: 4 },
        expireSeconds: 60,
        maintenanceSeconds: 5,
        pollMs: 100,
      });
      runner.definePortalJob(r.job('sync-full', 'long', 400));
      runner.definePortalJob(r.job('webhooks', 'short', 100));
      runners.push(runner);
      return runner;
    };
    const [a, b] = [make(), make()];
    await a.start({ work: true, schedules: false });
    await b.start({ work: true, schedules: false });
    await a.enqueue('sync-full', 1);
    await b.enqueue('webhooks', 1);
    await a.enqueue('sync-full', 2);
    await b.enqueue('webhooks', 2);
    await sleep(200);
    await a.idle();
    await b.idle();
    expect(r.overlaps()).toBe(0);
    expect(r.log.indexOf('start sync-full 2')).toBeLessThan(r.log.indexOf('end sync-full 1'));
    for (const p of [1, 2]) {
      expect(r.log).toContain(`end sync-full ${p}`);
      expect(r.log).toContain(`end webhooks ${p}`);
    }
  }, 60_000);

  it('holds a job queued while the process is still starting its runner (a web process answers HTTP first), and refuses one before start', async () => {
    const ran: number[] = [];
    const runner = new PgBossJobRunner({
      connectionString: databaseUrl!,
      schema: startupSchema,
      logger: silentLogger,
      concurrency: { long: 1, short: 1 },
      expireSeconds: 60,
      maintenanceSeconds: 5,
      pollMs: 100,
    });
    runner.definePortalJob({ name: 'sync-full', lane: 'long', run: async (portalId) => void ran.push(portalId) });
    runners.push(runner);
    await expect(runner.enqueue('sync-full', 7)).rejects.toThrow('the job runner is not started');
    const starting = runner.start({ work: true, schedules: false });
    await runner.enqueue('sync-full', 7);
    await starting;
    await runner.idle();
    expect(ran).toEqual([7]);
  }, 60_000);
});

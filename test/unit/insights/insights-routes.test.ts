import express from 'express';
import request from 'supertest';
import defaultRuleSet from '../../../config/personas.json';
import { createInsightsRoutes } from '../../../src/insights/insights-routes';
import type { AdminPrincipal } from '../../../src/http/portal-access';
import { createHttpApp } from '../../../src/http/create-http-app';
import { InsightsService } from '../../../src/insights/insights-service';
import { DiscoveryRuns, type DiscoveryRun } from '../../../src/insights/discovery-runs';
import { defineInsightsJobs } from '../../../src/insights/insights-jobs';
import { InProcessJobRunner } from '../../../src/jobs/in-process-job-runner';
import { validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { fixedClock } from '../../../src/platform/clock';
import { silentLogger } from '../../../src/platform/logger';
import { generatePortal } from '../../../src/sandbox/generator';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';

const P = 77;
const OTHER = 78;
const NOW = Date.parse('2026-11-01T00:00:00Z');

/** A stand-in admin guard: the bearer names the principal's portal, `all` for automation. */
const guard: express.RequestHandler = (req, _res, next) => {
  const who = req.header('x-test-portal');
  const admin: AdminPrincipal = who === 'all' ? { actor: 'token', portals: 'all' } : { actor: 'ann', portals: [Number(who)] };
  (req as express.Request & { admin?: AdminPrincipal }).admin = admin;
  next();
};

describe('insights admin API', () => {
  let storage: Storage;
  let stores: Stores;
  let app: express.Express;
  let jobs: InProcessJobRunner;
  /** Every progress write of discovery runs, in order. */
  const progress: Partial<DiscoveryRun>[] = [];

  beforeAll(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
    const portal = generatePortal({ seed: 3, contacts: 400, referenceTime: NOW });
    const contacts = [];
    for (let i = 0; i < 400; i++) {
      const c = portal.contactAt(i);
      contacts.push({ id: c.id, email: c.properties.email ?? null, properties: c.properties, hsUpdatedAt: NOW, archived: false });
    }
    await stores.crm.upsertContacts(P, contacts, NOW);
    const validated = validateRuleSet(defaultRuleSet);
    if (!validated.ok) throw new Error('default rule set invalid');
    const insights = new InsightsService({
      contacts: stores.analysisContacts,
      assignments: stores.snapshots,
      reports: stores.reports,
      pilots: stores.pilots,
      ruleSets: { live: async () => validated.ruleSet },
      clock: fixedClock(NOW),
    });
    jobs = new InProcessJobRunner({ logger: silentLogger, concurrency: { long: 1, short: 1 } });
    const runs = stores.discoveryRuns;
    const discoveryRuns = new DiscoveryRuns({
      runs: {
        create: (portalId, at) => runs.create(portalId, at),
        get: (portalId, id) => runs.get(portalId, id),
        latest: (portalId) => runs.latest(portalId),
        update: async (portalId, id, patch, at) => {
          progress.push(patch);
          await runs.update(portalId, id, patch, at);
        },
      },
      enqueue: (portalId, runId) => jobs.enqueue('discovery', portalId, { runId }),
      discover: (portalId, onProgress) => insights.discover(portalId, onProgress),
      now: () => NOW,
    });
    defineInsightsJobs({
      runner: jobs,
      insights,
      discoveryRuns,
      installedPortals: async () => [],
      now: () => NOW,
      rescore: async () => undefined,
      snapshot: async () => undefined,
      crons: { nightly: '0 3 * * *', quarterly: '0 4 1 1 *' },
    });
    await jobs.start({ work: true, schedules: false });
    app = createHttpApp({
      logger: silentLogger,
      routers: [createInsightsRoutes({ guard, insights, discoveryRuns })],
      health: async () => ({ ok: true, checks: {} }),
    });
  });
  afterAll(async () => {
    await jobs.stop();
    await storage.close();
  });

  const csv = (rows: string[]) => ['contact_id,variant,outcome', ...rows].join('\n');

  it('rejects a bad pilot file naming each line, and imports nothing', async () => {
    const res = await request(app)
      .post(`/api/admin/portals/${P}/insights/pilots?fileName=bad.csv`)
      .set('x-test-portal', String(P))
      .set('content-type', 'text/csv')
      .send(csv(['1001,A,clicked', ',B,clicked', '1003,,opened']))
      .expect(400);
    expect(res.body.error.message).toBe('bad.csv was not imported; nothing was changed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['line 3', 'line 4']);
    expect(await stores.pilots.latest(P)).toBeNull();
  });

  it('imports a good pilot file and stores a validation report', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${1001 + i},${i % 2 ? 'A' : 'B'},clicked`);
    const imported = await request(app)
      .post(`/api/admin/portals/${P}/insights/pilots`)
      .set('x-test-portal', String(P))
      .send({ fileName: 'pilot.csv', content: csv(rows) })
      .expect(201);
    expect(imported.body).toMatchObject({ ok: true, rows: 60, contacts: 60, unmatched: 0 });
    const validated = await request(app).post(`/api/admin/portals/${P}/insights/validate`).set('x-test-portal', String(P)).expect(201);
    expect(validated.body.report.kind).toBe('validation');
  });

  it('runs discovery as a background job with progress, then lists and renders the stored report', async () => {
    const started = await request(app).post(`/api/admin/portals/${P}/insights/discover`).set('x-test-portal', String(P)).expect(202);
    expect(started.body).toMatchObject({
      status: 'queued',
      phase: 'queued',
      url: `/api/admin/portals/${P}/insights/discover/runs/${started.body.id}`,
    });
    expect(started.headers.location).toBe(started.body.url);
    // A second click while it is queued or running joins the same run.
    const again = await request(app).post(`/api/admin/portals/${P}/insights/discover`).set('x-test-portal', String(P)).expect(202);
    expect(again.body.id).toBe(started.body.id);

    await jobs.idle();
    const run = await request(app).get(started.body.url).set('x-test-portal', String(P)).expect(200);
    expect(run.body).toMatchObject({ status: 'succeeded', phase: 'done', error: null });
    // Real progress: the contacts read of the portal's count, then each candidate clustering of all of them.
    const phases = progress.map((p) => p.phase);
    expect(phases[0]).toBe('reading contacts');
    expect(progress).toContainEqual({ status: 'running', phase: 'reading contacts', done: 0, total: 400 });
    expect(progress).toContainEqual({ status: 'running', phase: 'clustering', done: 1, total: 10 });
    expect(phases.indexOf('saving')).toBeGreaterThan(phases.indexOf('clustering'));
    expect(
      (await request(app).get(`/api/admin/portals/${P}/insights/discover/runs/latest`).set('x-test-portal', String(P))).body.run.id,
    ).toBe(started.body.id);

    const list = await request(app)
      .get(`/api/admin/portals/${P}/insights/reports?kind=discovery`)
      .set('x-test-portal', String(P))
      .expect(200);
    expect(list.body.reports[0]).toMatchObject({ id: run.body.reportId, kind: 'discovery' });
    const text = await request(app).get(list.body.reports[0].url).set('x-test-portal', String(P)).expect(200);
    expect(text.text).toMatch(/cluster/i);
  });

  it('records why a run failed, in words, and answers 404 for a run of another portal or none', async () => {
    const started = await request(app)
      .post(`/api/admin/portals/${OTHER}/insights/discover`)
      .set('x-test-portal', String(OTHER))
      .expect(202);
    await jobs.idle();
    const run = await request(app).get(started.body.url).set('x-test-portal', String(OTHER)).expect(200);
    expect(run.body).toMatchObject({ status: 'failed', reportId: null, error: 'discovery needs at least 20 contacts; portal 78 has 0' });
    await request(app).get(`/api/admin/portals/${P}/insights/discover/runs/${started.body.id}`).set('x-test-portal', String(P)).expect(404);
    await request(app).get(`/api/admin/portals/${P}/insights/discover/runs/nope`).set('x-test-portal', String(P)).expect(404);
  });

  it("never shows one portal's reports to another portal's admin", async () => {
    await request(app).get(`/api/admin/portals/${P}/insights/reports`).set('x-test-portal', String(OTHER)).expect(403);
    await request(app).post(`/api/admin/portals/${P}/insights/discover`).set('x-test-portal', String(OTHER)).expect(403);
  });
});

import { startAppHarness, type Harness } from '../support/app-harness';

/** The embedded layout (SQLite, APP_ROLE=all) exposes the same probes and metrics as scale mode. */
describe('probes and metrics of the embedded layout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startAppHarness({ portalId: 7_400_001, contacts: 150 });
    await h.install();
    await h.waitForFirstSync();
    await h.app.services.jobs.idle();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('answers liveness and readiness', async () => {
    expect((await fetch(`${h.appBaseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.appBaseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { redis: 'not used' } });
  });

  it('counts HubSpot requests per portal, jobs by outcome, and reports the inbox, writes and sync lag', async () => {
    const text = await (await fetch(`${h.appBaseUrl}/metrics`)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    expect(value(/^personas_hubspot_requests_total\{portal="7400001",role="all"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(value(/^personas_jobs_total\{job="sync-full",outcome="succeeded",role="all"\} (\d+)$/m)).toBe(1);
    expect(value(/^personas_inbox_pending\{role="all"\} (\d+)$/m)).toBe(0);
    expect(value(/^personas_sync_lag_seconds\{portal="7400001",role="all"\} ([\d.]+)$/m)).toBeGreaterThanOrEqual(0);
    expect(text).not.toMatch(/personas_pending_writes\{portal="7400001"/);
    expect(text).toMatch(/^personas_process_cpu_seconds_total\{role="all"\} [\d.]+$/m);
  });
});

import { installFromMarketplace } from '../../src/demo/browser-install';
import { createServer } from 'node:net';
import { DEMO_PORTAL_ID, startDemo, type Demo } from '../../src/demo/start-demo';
import { loadConfig } from '../../src/platform/config';
import { silentLogger } from '../../src/platform/logger';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

jest.setTimeout(60_000);

describe('the sandbox demo (npm start without HubSpot credentials)', () => {
  let demo: Demo | undefined;
  afterEach(async () => {
    await demo?.close();
  });

  it('installs into the sandbox through OAuth, syncs, assigns, writes back and prints the URLs and a generated admin token', async () => {
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const config = loadConfig(
      {
        PORT: String(port),
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_CONTACTS: '250',
        DATABASE_URL: 'sqlite::memory:',
        JOBS_ENABLED: 'false',
        LOG_LEVEL: 'silent',
      },
      { ensureSandboxKey: false },
    );
    const lines: string[] = [];
    demo = await startDemo({ config, logger: silentLogger, print: (line) => lines.push(line) });
    const out = lines.join('\n');
    expect(out).toMatch(/Installed the app into portal 2024001 through the OAuth flow/);
    expect(out).toContain(`http://localhost:${port}/admin`);
    expect(out).toContain(`/preview/cards/persona?portalId=${DEMO_PORTAL_ID}&contactId=`);
    expect(out).toContain(`/_sandbox`);
    const token = /ADMIN_TOKEN=(\S+)/.exec(out)?.[1];
    expect(token).toBeDefined();

    const status = await fetch(`http://localhost:${port}/api/admin/portals/${DEMO_PORTAL_ID}/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await status.json()) as { counts: { contacts: number }; personas: { pendingWrites: number }; installState: string };
    expect(body.installState).toBe('installed');
    expect(body.counts.contacts).toBe(250);
    expect(body.personas.pendingWrites).toBe(0);
    const written = [...demo.sandbox.data.store(DEMO_PORTAL_ID).iterate('contacts')].filter((c) => c.properties.persona);
    expect(written).toHaveLength(250);

    // Two companies to open the company card on: one with a complete buying committee, one with gaps.
    const complete = /Company card\s+(\S+)\s+\(.*: complete buying committee\)/.exec(out)?.[1];
    const gapped = /Company card\s+(\S+)\s+\(.*: missing (\S.*)\)/.exec(out);
    expect(complete).toBeDefined();
    expect(gapped).not.toBeNull();
    const card = async (url: string) => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(await card(complete!)).toContain('3 of 3 committee personas');
    expect(await card(gapped![1]!)).toContain('data-testid="gaps-heading"');

    // The demo offers both install paths: our link (done above) and the Marketplace button.
    expect(out).toContain(`http://localhost:${port}/oauth/install`);
    expect(out).toContain('Install from Marketplace');
    const marketplace = await installFromMarketplace(demo.sandbox.baseUrl, DEMO_PORTAL_ID);
    expect(marketplace.status).toBe(302);
    expect(new URL(marketplace.location!).origin).toBe(demo.sandbox.baseUrl);

    // A newcomer finds a populated Insights tab: one validated pilot and one quarterly review.
    expect(out).toMatch(/Seeded the Insights tab: three nightly snapshots, a pilot of \d+ lines validated, one quarterly review/);
    const reports = await fetch(`http://localhost:${port}/api/admin/portals/${DEMO_PORTAL_ID}/insights/reports`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const kinds = ((await reports.json()) as { reports: { kind: string }[] }).reports.map((r) => r.kind).sort();
    expect(kinds).toEqual(['review-quarterly', 'validation']);
    const validation = await demo.app.services.insights.listReports(DEMO_PORTAL_ID, { kind: 'validation' });
    const body2 = (await demo.app.services.insights.getReport(DEMO_PORTAL_ID, validation[0]!.id)).body as {
      pilot: { rows: number } | null;
      analysis: unknown;
    };
    expect(body2.pilot?.rows).toBeGreaterThan(50);
    expect(body2.analysis).not.toBeNull();
  });
});

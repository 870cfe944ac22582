import { Client } from '@hubspot/api-client';
import type { CompanyCardView } from '../../src/card-api/company-card-view';
import { startAppHarness, type Harness } from '../support/app-harness';

jest.setTimeout(120_000);

/**
 * HubSpot opening the company card, played by the sandbox: `hubspot.fetch` from a company record,
 * signed v3 with HubSpot's caller parameters appended, into the whole app after the OAuth install
 * and the first sync; the card agrees with the committee values HubSpot holds.
 */
describe('the company card through the whole app', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startAppHarness({ portalId: 7_300_015, contacts: 150 });
    await harness.install();
    await harness.waitForFirstSync();
    await harness.app.services.jobs.idle();
  });
  afterAll(() => harness?.close());

  it("shows each company's coverage and gaps exactly as HubSpot's persona_coverage and persona_gaps hold them", async () => {
    const { sandbox, app, portalId } = harness;
    const { companies } = await app.stores.crm.listCompanies(portalId, { sort: 'size', limit: 12, offset: 0 });
    const client = new Client({ accessToken: sandbox.tokens.issue(portalId).accessToken, basePath: sandbox.baseUrl });
    let complete = 0;
    let withGaps = 0;
    for (const company of companies.filter((c) => c.contacts > 0)) {
      const res = await sandbox.outbound.cardFetch({ portalId, companyId: company.id, userEmail: 'rep@example.com' });
      expect(res.status).toBe(200);
      const view = res.body as CompanyCardView;
      expect(view).toMatchObject({ contractVersion: 1, portalId, companyId: company.id, state: 'ready', contactCount: company.contacts });
      const held = await client.crm.companies.basicApi.getById(company.id, ['persona_coverage', 'persona_gaps']);
      expect(view.present.map((p) => p.personaId).join(';')).toBe(held.properties.persona_coverage ?? '');
      expect(view.gaps.map((g) => g.personaId).join(';')).toBe(held.properties.persona_gaps ?? '');
      expect(view.coverage.committee).toBe(3);
      if (view.gaps.length === 0) complete++;
      else withGaps++;
      for (const gap of view.gaps) {
        for (const c of gap.candidates) expect(c.score).toBeLessThanOrEqual(c.threshold);
      }
    }
    // The sandbox's biggest accounts include complete committees and committees with gaps.
    expect(complete).toBeGreaterThan(0);
    expect(withGaps).toBeGreaterThan(0);
  });

  it('answers 404 for a company the portal does not have, and gives no data for another portal', async () => {
    const { sandbox, app, portalId } = harness;
    expect((await sandbox.outbound.cardFetch({ portalId, companyId: '123456789' })).status).toBe(404);
    const [company] = (await app.stores.crm.listCompanies(portalId, { sort: 'size', limit: 1, offset: 0 })).companies;
    // Signed for another portal (the sandbox signs whatever it is told): that portal has no such company.
    const other = await sandbox.outbound.cardFetch({ portalId: portalId + 1, companyId: company!.id });
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain(company!.name!);
  });

  it('refuses a company card request that HubSpot did not sign', async () => {
    const { app, portalId, appBaseUrl } = harness;
    const [company] = (await app.stores.crm.listCompanies(portalId, { sort: 'size', limit: 1, offset: 0 })).companies;
    const res = await fetch(`${appBaseUrl}/api/cards/company?portalId=${portalId}&companyId=${company!.id}`);
    expect(res.status).toBe(401);
  });
});

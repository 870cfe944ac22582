import { CommitteeService } from '../../../src/committee/committee-service';
import type { BatchWriteResult, HubSpotGateways, PortalHubSpot } from '../../../src/crm/hubspot-port';
import { InProcessPortalMutex } from '../../../src/jobs/portal-mutex';
import { silentLogger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { aPersona, aRuleSet } from '../../support/rule-set-builders';
import { seedCompaniesWithOneUser } from '../../support/committee-seed';

const P = 5;
const ruleSet = aRuleSet([aPersona({ id: 'buyer', kind: 'buyer', committee: true }), aPersona({ id: 'user' }), aPersona({ id: 'other' })]);
const SCOPES = ['crm.objects.companies.write'];

/** HubSpot's batch update as the service sees it: every call recorded; some ids answered as missing or refused. */
function fakeHubSpot(answers: { missing?: Set<string>; refused?: Set<string> } = {}) {
  const calls: { id: string; properties: Record<string, string> }[][] = [];
  const portal = {
    portalId: P,
    async updateCompanies(inputs: readonly { id: string; properties: Record<string, string> }[]): Promise<BatchWriteResult> {
      calls.push([...inputs]);
      const failed = inputs
        .filter((i) => answers.missing?.has(i.id) || answers.refused?.has(i.id))
        .map((i) => ({ id: i.id, message: 'no', notFound: answers.missing?.has(i.id) === true }));
      return { written: inputs.filter((i) => !failed.some((f) => f.id === i.id)).map((i) => i.id), failed };
    },
  } as unknown as PortalHubSpot;
  const gateways: HubSpotGateways = { forPortal: () => portal };
  return { calls, gateways };
}

describe('CommitteeService', () => {
  let storage: Storage;
  let s: Stores;
  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    s = createStores(storage);
  });
  afterEach(() => storage.close());

  const service = (gateways: HubSpotGateways, scopes = SCOPES) =>
    new CommitteeService({
      crm: s.crm,
      gateways,
      ruleSet: async () => ruleSet,
      grantedScopes: async () => scopes,
      clock: { now: () => 1 },
      logger: silentLogger,
      exclusive: (portalId, task) => mutex.exclusive(portalId, task),
    });
  const mutex = new InProcessPortalMutex();

  /** `companies` companies, one contact each, all users. */
  const seed = (companies: number) => seedCompaniesWithOneUser(s, P, companies, 4);

  it('sends full batches of 100 across store chunks, so the first write costs companies ÷ 100 requests', async () => {
    await seed(1234);
    const hubspot = fakeHubSpot();
    const result = await service(hubspot.gateways).refreshAll(P);
    expect(result).toMatchObject({ companies: 1234, written: 1234, requests: 13, failed: 0, skipped: false });
    expect(hubspot.calls.map((c) => c.length)).toEqual([...Array(12).fill(100), 34]);
    expect(hubspot.calls[0][0]).toEqual({ id: 'c0000', properties: { persona_coverage: 'user', persona_gaps: 'buyer' } });
    expect((await service(hubspot.gateways).refreshAll(P)).requests).toBe(0);
  });

  it('writes only the companies named, and only when their values changed', async () => {
    const ids = await seed(3);
    const hubspot = fakeHubSpot();
    await service(hubspot.gateways).refreshAll(P);
    await s.assignments.setOverride(P, 'k1', { persona: 'buyer', by: 'rep', at: 2 });
    const result = await service(hubspot.gateways).refreshCompanies(P, [ids[0], ids[1], ids[1]]);
    expect(result).toMatchObject({ companies: 2, written: 1, requests: 1 });
    expect(hubspot.calls.at(-1)).toEqual([{ id: ids[1], properties: { persona_coverage: 'buyer', persona_gaps: '' } }]);
  });

  it('sends only the property that changed for a company written before', async () => {
    const ids = await seed(2);
    const hubspot = fakeHubSpot();
    await service(hubspot.gateways).refreshAll(P);
    // k0 moves from user to other: coverage changes, the gaps (buyer) stay as HubSpot holds them.
    await s.assignments.setOverride(P, 'k0', { persona: 'other', by: 'rep', at: 2 });
    const result = await service(hubspot.gateways).refreshCompanies(P, ids);
    expect(result).toMatchObject({ companies: 2, written: 1, requests: 1 });
    expect(hubspot.calls.at(-1)).toEqual([{ id: ids[0], properties: { persona_coverage: 'other' } }]);
    expect((await s.crm.writtenCoverage(P, [ids[0]])).get(ids[0])).toEqual({ coverage: 'other', gaps: 'buyer' });
  });

  it('forgets a company HubSpot no longer has, and leaves a refused one unrecorded so the next run retries it', async () => {
    const ids = await seed(3);
    const hubspot = fakeHubSpot({ missing: new Set([ids[0]]), refused: new Set([ids[1]]) });
    const result = await service(hubspot.gateways).refreshAll(P);
    expect(result).toMatchObject({ written: 1, failed: 1 });
    expect([...(await s.crm.writtenCoverage(P, ids)).keys()]).toEqual([ids[2]]);
    expect(await s.crm.companyIdsForCoverage(P, null, 10)).toEqual([ids[1], ids[2]]);
    const retry = await service(fakeHubSpot().gateways).refreshAll(P);
    expect(retry).toMatchObject({ written: 1, requests: 1 });
  });

  it('sends nothing for a portal that has not granted the company write scope', async () => {
    await seed(2);
    const hubspot = fakeHubSpot();
    expect(await service(hubspot.gateways, ['crm.objects.companies.read']).refreshAll(P)).toMatchObject({ skipped: true, requests: 0 });
    expect(hubspot.calls).toEqual([]);
  });
});

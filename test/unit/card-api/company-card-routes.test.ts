import type { RequestHandler } from 'express';
import request from 'supertest';
import { COMPANY_CARD_API_PATH, COMPANY_CARD_PREVIEW_PATH, createCompanyCardRoutes } from '../../../src/card-api/company-card-routes';
import { CompanyCardService, type CompanyCardQueries } from '../../../src/card-api/company-card-service';
import { buildCardRenderer } from '../../../tools/build-card-renderer';
import type { PropertyBag } from '../../../src/crm/model';
import { createHttpApp } from '../../../src/http/create-http-app';
import type { AdminPrincipal } from '../../../src/http/portal-access';
import { compileRuleSet } from '../../../src/personas/engine';
import { fixedClock } from '../../../src/platform/clock';
import { AppError } from '../../../src/platform/errors';
import { signV3 } from '../../../src/platform/hubspot-signature';
import { silentLogger } from '../../../src/platform/logger';
import type { Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { openSqliteForTest } from '../../support/databases';
import { committeeRuleSet, NOW } from './company-card-fixtures';
import { computedAssignment } from '../../support/computed-assignment';

jest.setTimeout(60_000);

const SECRET = 'company-card-secret';
const BASE = 'https://personas.example.com';
const compiled = compileRuleSet(committeeRuleSet);

const adminOf =
  (portals: 'all' | number[]): RequestHandler =>
  (req, _res, next) => {
    (req as typeof req & { admin: AdminPrincipal }).admin = { actor: 'test-admin', portals };
    next();
  };
const denyAdmin: RequestHandler = (_req, _res, next) => next(new AppError('unauthorized', 'Admin sign-in required'));

function appWith(companyCards: CompanyCardQueries, adminGuard: RequestHandler = adminOf('all')) {
  return createHttpApp({
    logger: silentLogger,
    health: async () => ({ ok: true, checks: {} }),
    routers: [
      createCompanyCardRoutes({
        companyCards,
        clientSecret: SECRET,
        appBaseUrl: BASE,
        clock: fixedClock(NOW),
        logger: silentLogger,
        adminGuard,
      }),
    ],
  });
}

function signedHeaders(method: string, path: string, options: { secret?: string; timestamp?: number; signedPath?: string } = {}) {
  const timestamp = options.timestamp ?? NOW;
  const signature = signV3({ method, url: BASE + (options.signedPath ?? path), body: '' }, options.secret ?? SECRET, timestamp);
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
}

const cardPath = (portalId: number | string, companyId: number | string) =>
  `${COMPANY_CARD_API_PATH}?portalId=${portalId}&companyId=${companyId}`;

/** Stores contacts linked to a company and their assignments as the engine computes them. */
async function seed(stores: Stores, portalId: number, company: { id: string; name: string }, contacts: [string, PropertyBag][]) {
  await stores.crm.upsertCompanies(portalId, [{ id: company.id, properties: { name: company.name }, hsUpdatedAt: NOW }], NOW);
  await stores.crm.upsertContacts(
    portalId,
    contacts.map(([id, properties]) => ({ id, email: null, properties, hsUpdatedAt: NOW, archived: false })),
    NOW,
  );
  await stores.crm.replaceContactCompanies(
    portalId,
    contacts.map(([id]) => id),
    contacts.map(([id]) => ({ contactId: id, companyId: company.id, primary: true })),
  );
  await stores.assignments.saveComputed(
    portalId,
    contacts.map(([id, properties]) => {
      const a = compiled.assign({ properties, tickets: [] }, NOW);
      return computedAssignment(id, a, 1);
    }),
    'test',
    NOW,
  );
}

describe('company card API', () => {
  let storage: Storage;
  let stores: Stores;
  let service: CompanyCardService;
  const calls: string[] = [];
  const recorded: CompanyCardQueries = {
    getCompanyCardView: async (portalId, companyId) => {
      calls.push(`${portalId}/${companyId}`);
      return service.getCompanyCardView(portalId, companyId);
    },
  };

  beforeAll(async () => {
    storage = await openSqliteForTest();
    stores = createStores(storage);
    service = new CompanyCardService({
      crm: stores.crm,
      ruleSets: { live: async () => ({ version: 1, ruleSet: committeeRuleSet, compiled }) },
      clock: fixedClock(NOW),
    });
    await seed(stores, 101, { id: '900', name: 'Acme Corp' }, [
      ['1', { firstname: 'Ada', lastname: 'Chief', jobtitle: 'Chief Financial Officer', budget_owner: 'true' }],
      ['2', { firstname: 'Ben', lastname: 'Berg', jobtitle: 'Data Analyst' }],
      ['3', { firstname: 'Finn', lastname: 'Fox', jobtitle: 'Software Engineer', reads_docs: 'true' }],
    ]);
    await seed(stores, 101, { id: '901', name: 'Gapco' }, [
      ['4', { firstname: 'Jane', lastname: 'Roe', jobtitle: 'Chief of Staff' }],
      ['5', { firstname: 'Al', lastname: 'Ames', jobtitle: 'Analyst' }],
    ]);
    await stores.crm.upsertCompanies(101, [{ id: '902', properties: { name: 'Lonely Ltd' }, hsUpdatedAt: NOW }], NOW);
    // The same company id in another portal, with other people.
    await seed(stores, 202, { id: '900', name: 'Other Portal Inc' }, [
      ['1', { firstname: 'Secret', lastname: 'Person', jobtitle: 'Chief Analyst' }],
    ]);
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(() => {
    calls.length = 0;
  });

  it('answers a signed request with the full committee of the signed portal, uncached', async () => {
    const path = cardPath(101, 900);
    const res = await request(appWith(recorded)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      portalId: 101,
      companyId: '900',
      company: { name: 'Acme Corp' },
      state: 'ready',
      gaps: [],
      coverage: { covered: 3, committee: 3 },
    });
    expect(res.body.present.map((p: { personaId: string }) => p.personaId)).toEqual(['economic_buyer', 'analyst', 'engineer']);
    expect(JSON.stringify(res.body)).not.toContain('Secret');
  });

  it('gives the gaps with their nearest candidates, scored by the live rules', async () => {
    const path = cardPath(101, 901);
    const res = await request(appWith(recorded)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(200);
    expect(res.body.coverage).toEqual({ covered: 1, committee: 3 });
    expect(res.body.gaps.map((g: { personaId: string }) => g.personaId)).toEqual(['economic_buyer', 'engineer']);
    expect(res.body.gaps[0].candidates[0]).toMatchObject({
      name: 'Jane Roe',
      score: 35,
      threshold: 55,
      missingRules: [{ label: 'Owns a budget', points: 20 }],
    });
  });

  it('counts a manual value the contact holds (the stored effective persona), not only what the rules compute', async () => {
    await stores.assignments.setOverride(101, '5', { persona: 'engineer', by: 'rep@example.com', at: NOW });
    try {
      const view = await service.getCompanyCardView(101, '901');
      expect(view?.gaps.map((g) => g.personaId)).toEqual(['economic_buyer', 'analyst']);
      expect(view?.present.map((p) => p.personaId)).toEqual(['engineer']);
    } finally {
      await stores.assignments.setOverride(101, '5', null);
    }
  });

  it('answers a company without contacts with the no-contacts state', async () => {
    const path = cardPath(101, 902);
    const res = await request(appWith(recorded)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'no-contacts', contactCount: 0, company: { name: 'Lonely Ltd' } });
  });

  it('answers 404 with an error id for a company the portal does not have, even when another portal has it', async () => {
    const unknown = cardPath(101, 999);
    const res = await request(appWith(recorded)).get(unknown).set(signedHeaders('GET', unknown));
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', id: expect.any(String) });

    await stores.crm.upsertCompanies(202, [{ id: '777', properties: { name: 'Only In 202' }, hsUpdatedAt: NOW }], NOW);
    const elsewhere = cardPath(101, 777);
    const cross = await request(appWith(recorded)).get(elsewhere).set(signedHeaders('GET', elsewhere));
    expect(cross.status).toBe(404);
    expect(JSON.stringify(cross.body)).not.toContain('Only In 202');
  });

  it('refuses a request whose portal was changed after signing, before reading anything', async () => {
    const res = await request(appWith(recorded))
      .get(cardPath(202, 900))
      .set(signedHeaders('GET', cardPath(202, 900), { signedPath: cardPath(101, 900) }));

    expect(res.status).toBe(401);
    expect(calls).toEqual([]);
  });

  it.each([
    ['a stale timestamp', { timestamp: NOW - 6 * 60 * 1000 }],
    ["another app's secret", { secret: 'someone-else' }],
  ])('refuses a signature made with %s', async (_name, options) => {
    const path = cardPath(101, 900);
    const res = await request(appWith(recorded))
      .get(path)
      .set(signedHeaders('GET', path, options));

    expect(res.status).toBe(401);
    expect(calls).toEqual([]);
  });

  it('refuses an unsigned request and a signed URL naming two portals', async () => {
    expect((await request(appWith(recorded)).get(cardPath(101, 900))).status).toBe(401);
    const twice = `${COMPANY_CARD_API_PATH}?portalId=101&companyId=900&portalId=202`;
    expect((await request(appWith(recorded)).get(twice).set(signedHeaders('GET', twice))).status).toBe(403);
    const bad = cardPath(101, 'abc');
    expect((await request(appWith(recorded)).get(bad).set(signedHeaders('GET', bad))).status).toBe(400);
    expect(calls).toEqual([]);
  });

  it('never passes on a view that belongs to another portal than the signed one', async () => {
    const leaky: CompanyCardQueries = { getCompanyCardView: async () => service.getCompanyCardView(202, '900') };
    const path = cardPath(101, 900);
    const res = await request(appWith(leaky)).get(path).set(signedHeaders('GET', path));

    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('Other Portal');
  });

  describe('preview page', () => {
    beforeAll(async () => {
      await buildCardRenderer({ card: 'company' });
    });

    it("renders the company card as HTML for an admin with the card's own components", async () => {
      const res = await request(appWith(recorded)).get(`${COMPANY_CARD_PREVIEW_PATH}?portalId=101&companyId=901`);

      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.text).toContain('data-testid="coverage-summary"');
      expect(res.text).toContain('1 of 3 committee personas');
      expect(res.text).toContain('Jane Roe, 35 of 55 points');
      expect(res.text).not.toContain('<script');
    });

    it('is closed to anyone the admin guard turns away, and to an admin of another portal', async () => {
      expect((await request(appWith(recorded, denyAdmin)).get(`${COMPANY_CARD_PREVIEW_PATH}?portalId=101&companyId=900`)).status).toBe(401);
      const other = await request(appWith(recorded, adminOf([202]))).get(`${COMPANY_CARD_PREVIEW_PATH}?portalId=101&companyId=900`);
      expect(other.status).toBe(403);
      expect(calls).toEqual([]);
    });
  });
});

import type { RequestHandler } from 'express';
import request from 'supertest';
import { requireAdmin } from '../../../src/admin/admin-guard';
import { createAccountsRoutes } from '../../../src/admin/accounts-routes';
import { AccountsService } from '../../../src/admin/accounts-service';
import { createHttpApp } from '../../../src/http/create-http-app';
import type { AdminPrincipal } from '../../../src/http/portal-access';
import { silentLogger } from '../../../src/platform/logger';
import type { Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { committeeRuleSet } from '../card-api/company-card-fixtures';
import { engines } from '../../support/databases';

const P = 101;
const T0 = 1_700_000_000_000;
const TOKEN = 'accounts-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

const computed = (contactId: string, personaId: string) => ({
  contactId,
  personaId,
  score: 60,
  secondary: [],
  journeyStage: 'awareness',
  explanation: { firedRules: [] },
  ruleSetVersion: 1,
  needsWrite: false,
});

/** Companies with 3, 2, 1 and 0 contacts; the two biggest already written to HubSpot. */
async function seed(stores: Stores) {
  const contacts = ['1', '2', '3', '4', '5', '6'].map((id) => ({ id, email: null, properties: {}, hsUpdatedAt: T0, archived: false }));
  await stores.crm.upsertContacts(P, contacts, T0);
  await stores.crm.upsertCompanies(
    P,
    [
      { id: '10', properties: { name: 'Acme', domain: 'acme.example' }, hsUpdatedAt: T0 },
      { id: '20', properties: { name: 'Beta' }, hsUpdatedAt: T0 },
      { id: '30', properties: { name: 'Cyan' }, hsUpdatedAt: T0 },
      { id: '40', properties: { name: 'Delta' }, hsUpdatedAt: T0 },
    ],
    T0,
  );
  const link = (contactId: string, companyId: string) => ({ contactId, companyId, primary: true });
  await stores.crm.replaceContactCompanies(
    P,
    ['1', '2', '3', '4', '5', '6'],
    [link('1', '10'), link('2', '10'), link('3', '10'), link('4', '20'), link('5', '20'), link('6', '30')],
  );
  await stores.assignments.saveComputed(
    P,
    [
      computed('1', 'economic_buyer'),
      computed('2', 'analyst'),
      computed('3', 'engineer'),
      computed('4', 'economic_buyer'),
      computed('5', 'marketer'),
      computed('6', 'analyst'),
    ],
    'sync',
    T0,
  );
  await stores.crm.markCoverageWritten(
    P,
    [
      { companyId: '10', values: { coverage: 'economic_buyer;analyst;engineer', gaps: '' } },
      { companyId: '20', values: { coverage: 'economic_buyer;marketer', gaps: 'analyst;engineer' } },
    ],
    T0,
  );
}

const adminOf =
  (portals: number[]): RequestHandler =>
  (req, _res, next) => {
    (req as typeof req & { admin: AdminPrincipal }).admin = { actor: 'someone', portals };
    next();
  };

/** On every engine: the listing's sort and gap filter are SQL. */
for (const [engine, open] of engines) {
  describe(`the Accounts view API on ${engine}`, () => {
    let storage: Storage;
    let stores: Stores;
    let service: AccountsService;
    const appWith = (guard: RequestHandler = requireAdmin({ adminToken: TOKEN })) =>
      createHttpApp({
        logger: silentLogger,
        health: async () => ({ ok: true, checks: {} }),
        routers: [createAccountsRoutes({ guard, accounts: service })],
      });

    beforeEach(async () => {
      storage = await open();
      stores = createStores(storage);
      await seed(stores);
      service = new AccountsService({ crm: stores.crm, assignments: stores.assignments, ruleSet: async () => committeeRuleSet });
    });
    afterEach(async () => {
      await storage.close();
    });

    it('lists companies biggest first with their coverage and gaps by name, and the committee for the filter', async () => {
      const res = await request(appWith()).get(`/api/admin/portals/${P}/accounts`).set(auth);

      expect(res.status).toBe(200);
      expect(res.body.total).toBe(4);
      expect(res.body.committee.map((p: { id: string }) => p.id)).toEqual(['economic_buyer', 'analyst', 'engineer']);
      expect(res.body.companies.map((c: { name: string; contacts: number }) => [c.name, c.contacts])).toEqual([
        ['Acme', 3],
        ['Beta', 2],
        ['Cyan', 1],
        ['Delta', 0],
      ]);
      expect(res.body.companies[1]).toEqual({
        id: '20',
        name: 'Beta',
        domain: null,
        contacts: 2,
        coverage: [
          { id: 'economic_buyer', name: 'Economic Buyer' },
          { id: 'marketer', name: 'Marketing Ops' },
        ],
        gaps: [
          { id: 'analyst', name: 'Hands-on Analyst' },
          { id: 'engineer', name: 'Integration Engineer' },
        ],
        written: true,
      });
      // Cyan has not been written yet: it shows what the committee module computes, marked as such.
      expect(res.body.companies[2]).toMatchObject({
        coverage: [{ id: 'analyst' }],
        gaps: [{ id: 'economic_buyer' }, { id: 'engineer' }],
        written: false,
      });
      expect(res.body.companies[3]).toMatchObject({ coverage: [], gaps: [], written: false });
    });

    it('filters by gap, sorts by name, and pages', async () => {
      const gap = await request(appWith()).get(`/api/admin/portals/${P}/accounts?gap=analyst`).set(auth);
      expect(gap.body.companies.map((c: { name: string }) => c.name)).toEqual(['Beta']);
      expect(gap.body.total).toBe(1);

      const byName = await request(appWith()).get(`/api/admin/portals/${P}/accounts?sort=name&pageSize=2&page=2`).set(auth);
      expect(byName.body).toMatchObject({ total: 4, page: 2, pageSize: 2 });
      expect(byName.body.companies.map((c: { name: string }) => c.name)).toEqual(['Cyan', 'Delta']);

      const past = await request(appWith()).get(`/api/admin/portals/${P}/accounts?pageSize=2&page=3`).set(auth);
      expect(past.body).toMatchObject({ total: 4, companies: [] });
    });

    it.each([
      ['sort=biggest', 'sort'],
      ['gap=Not%20an%20id', 'gap'],
      ['page=0', 'page'],
      ['pageSize=1000', 'pageSize'],
    ])('refuses %s naming the bad parameter', async (query, name) => {
      const res = await request(appWith()).get(`/api/admin/portals/${P}/accounts?${query}`).set(auth);

      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain(name);
    });

    it('shows nothing to an admin of another portal, and nothing without sign-in', async () => {
      const other = await request(appWith(adminOf([202]))).get(`/api/admin/portals/${P}/accounts`);
      expect(other.status).toBe(403);
      expect(JSON.stringify(other.body)).not.toContain('Acme');
      expect((await request(appWith()).get(`/api/admin/portals/${P}/accounts`)).status).toBe(401);
      // Another portal's admin sees their own (empty) accounts.
      const own = await request(appWith(adminOf([202]))).get(`/api/admin/portals/202/accounts`);
      expect(own.body).toMatchObject({ total: 0, companies: [] });
    });

    it('counts the companies a draft would make gain or lose coverage; a manual value holds under either rule set', async () => {
      // The draft would move contact 1 (Acme's only economic buyer) and 4 (Beta's) to no persona, and 6 (Cyan) to engineer.
      await stores.assignments.setOverride(P, '4', { persona: 'economic_buyer', by: 'rep', at: T0 });
      const moved = new Map([
        ['1', 'unassigned'],
        ['4', 'unassigned'],
        ['6', 'engineer'],
      ]);
      const impact = await service.impact(P, { live: committeeRuleSet, draft: committeeRuleSet }, moved);

      // Acme loses its economic buyer; Beta keeps it (set by hand); Cyan gains its engineer and loses its analyst.
      expect(impact).toEqual({ companies: 3, gain: 1, lose: 2, changed: 2 });

      // Marking a persona as committee opens a gap without any contact moving.
      const draft = {
        ...committeeRuleSet,
        personas: committeeRuleSet.personas.map((p) => (p.id === 'marketer' ? { ...p, committee: true } : p)),
      };
      expect(await service.impact(P, { live: committeeRuleSet, draft }, new Map())).toEqual({ companies: 3, gain: 0, lose: 2, changed: 2 });
    });
  });
}

import type { Storage } from '../../src/storage/connect';
import { createStores, type Stores } from '../../src/storage/stores';
import { engines } from '../support/databases';

const P = 101;
const Q = 202;
const T0 = 1_700_000_000_000;

const contact = (id: string, archived = false) => ({ id, email: null, properties: { firstname: `F${id}` }, hsUpdatedAt: T0, archived });
const company = (id: string, name: string) => ({ id, properties: { name, domain: `${id}.example` }, hsUpdatedAt: T0 });
const computed = (contactId: string, personaId: string) => ({
  contactId,
  personaId,
  score: 50,
  secondary: [],
  journeyStage: 'awareness',
  explanation: { firedRules: [] },
  ruleSetVersion: 1,
  needsWrite: true,
});
const link = (contactId: string, companyId: string, primary = false) => ({ contactId, companyId, primary });

/** The buying committee's store contract, on every engine. */
for (const [engine, open] of engines) {
  describe(`committee store on ${engine}`, () => {
    let storage: Storage;
    let s: Stores;
    beforeEach(async () => {
      storage = await open();
      s = createStores(storage);
      // Acme: 3 contacts (one hand-set, one not scored yet) and an archived one; Beta: 1; Gamma: none.
      await s.crm.upsertContacts(P, ['1', '2', '3', '4', '5'].map((id) => contact(id)).concat(contact('9', true)), T0);
      await s.crm.upsertCompanies(P, [company('acme', 'Acme'), company('beta', 'beta corp'), company('gamma', 'Gamma')], T0);
      await s.crm.replaceContactCompanies(
        P,
        ['1', '2', '3', '4', '9'],
        [
          link('1', 'acme', true),
          link('2', 'acme'),
          link('3', 'acme', true),
          link('2', 'beta', true),
          link('4', 'beta'),
          link('9', 'acme'),
        ],
      );
      await s.assignments.saveComputed(P, [computed('1', 'user'), computed('2', 'tech'), computed('4', 'economic')], 'sync', T0);
      await s.assignments.setOverride(P, '1', { persona: 'champion', by: 'rep', at: T0 });
    });
    afterEach(async () => {
      await storage.close();
    });

    it("gives each company's contacts (any label, unarchived) with their effective persona, manual value first", async () => {
      const byCompany = await s.crm.contactPersonasOfCompanies(P, ['acme', 'beta', 'gamma', 'unknown']);
      expect(Object.fromEntries(byCompany)).toEqual({
        acme: [
          { contactId: '1', personaId: 'champion', primary: true },
          { contactId: '2', personaId: 'tech', primary: false },
          { contactId: '3', personaId: null, primary: true },
        ],
        beta: [
          { contactId: '2', personaId: 'tech', primary: true },
          { contactId: '4', personaId: 'economic', primary: false },
        ],
        gamma: [],
        unknown: [],
      });
      await s.assignments.setOverride(P, '1', null);
      expect((await s.crm.contactPersonasOfCompanies(P, ['acme'])).get('acme')![0].personaId).toBe('user');
    });

    it('reads the same by id range, only companies with contacts, bounds exclusive then inclusive', async () => {
      const byRange = await s.crm.contactPersonasOfCompanyRange(P, { after: null, through: 'beta' });
      expect(Object.fromEntries(byRange)).toEqual(
        Object.fromEntries([...(await s.crm.contactPersonasOfCompanies(P, ['acme', 'beta'])).entries()]),
      );
      expect([...(await s.crm.contactPersonasOfCompanyRange(P, { after: 'acme', through: 'zzz' })).keys()]).toEqual(['beta']);
      expect((await s.crm.contactPersonasOfCompanyRange(Q, { after: null, through: 'zzz' })).size).toBe(0);
    });

    it('keeps portals apart', async () => {
      expect((await s.crm.contactPersonasOfCompanies(Q, ['acme'])).get('acme')).toEqual([]);
      expect(await s.crm.companyIdsOfContacts(Q, ['1'])).toEqual([]);
      expect(await s.crm.companyIdsForCoverage(Q, null, 10)).toEqual([]);
      expect(await s.crm.listCompanies(Q, { sort: 'size', limit: 10, offset: 0 })).toEqual({ companies: [], total: 0 });
    });

    it('names the companies of contacts, and drops a purged contact from its companies', async () => {
      expect(await s.crm.companyIdsOfContacts(P, ['2', '4', '5'])).toEqual(['acme', 'beta']);
      await s.crm.purgeContacts(P, ['2']);
      expect((await s.crm.contactPersonasOfCompanies(P, ['beta'])).get('beta')!.map((c) => c.contactId)).toEqual(['4']);
    });

    it('records written values and visits every company with contacts or written values, in id order by keyset', async () => {
      expect(await s.crm.writtenCoverage(P, ['acme'])).toEqual(new Map());
      await s.crm.markCoverageWritten(P, [{ companyId: 'zeta', values: { coverage: 'tech', gaps: '' } }], T0);
      await s.crm.markCoverageWritten(P, [{ companyId: 'zeta', values: { coverage: '', gaps: '' } }], T0 + 1);
      expect(await s.crm.writtenCoverage(P, ['zeta', 'acme'])).toEqual(new Map([['zeta', { coverage: '', gaps: '' }]]));
      expect(await s.crm.writtenCoverage(Q, ['zeta'])).toEqual(new Map());
      expect(await s.crm.companyIdsForCoverage(P, null, 2)).toEqual(['acme', 'beta']);
      expect(await s.crm.companyIdsForCoverage(P, 'beta', 10)).toEqual(['zeta']);
      await s.crm.deleteCompanies(P, ['zeta']);
      expect(await s.crm.writtenCoverage(P, ['zeta'])).toEqual(new Map());
    });

    it('lists companies by size or name with their written values, filters by gap and counts the total', async () => {
      await s.crm.markCoverageWritten(
        P,
        [
          { companyId: 'acme', values: { coverage: 'champion;tech', gaps: 'economic' } },
          { companyId: 'beta', values: { coverage: 'economic;tech', gaps: 'tech_lead' } },
        ],
        T0,
      );
      const bySize = await s.crm.listCompanies(P, { sort: 'size', limit: 10, offset: 0 });
      expect(bySize.total).toBe(3);
      expect(bySize.companies).toEqual([
        { id: 'acme', name: 'Acme', domain: 'acme.example', contacts: 3, written: { coverage: 'champion;tech', gaps: 'economic' } },
        { id: 'beta', name: 'beta corp', domain: 'beta.example', contacts: 2, written: { coverage: 'economic;tech', gaps: 'tech_lead' } },
        { id: 'gamma', name: 'Gamma', domain: 'gamma.example', contacts: 0, written: null },
      ]);
      expect((await s.crm.listCompanies(P, { sort: 'name', limit: 2, offset: 1 })).companies.map((c) => c.id)).toEqual(['beta', 'gamma']);
      expect(await s.crm.listCompanies(P, { sort: 'size', gap: 'economic', limit: 10, offset: 0 })).toMatchObject({
        total: 1,
        companies: [{ id: 'acme' }],
      });
      // `_` is a LIKE wildcard: "tech_lead" must not match "techXlead", and "tech" must not match "tech_lead".
      expect((await s.crm.listCompanies(P, { sort: 'size', gap: 'tech', limit: 10, offset: 0 })).total).toBe(0);
      expect((await s.crm.listCompanies(P, { sort: 'size', gap: 'tech_lead', limit: 10, offset: 0 })).total).toBe(1);
    });
  });
}

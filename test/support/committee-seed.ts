import type { Stores } from '../../src/storage/stores';

/**
 * `companies` companies (ids `c` + the index, zero-padded to `idWidth` digits), each with one
 * primary contact (`k` + the index) already scored `user` and written: the committee's usual start.
 */
export async function seedCompaniesWithOneUser(stores: Stores, portalId: number, companies: number, idWidth: number): Promise<string[]> {
  const ids = Array.from({ length: companies }, (_, i) => `c${String(i).padStart(idWidth, '0')}`);
  const contacts = ids.map((_, i) => ({ id: `k${i}`, email: null, properties: {}, hsUpdatedAt: 1, archived: false }));
  await stores.crm.upsertContacts(portalId, contacts, 1);
  await stores.crm.replaceContactCompanies(
    portalId,
    contacts.map((c) => c.id),
    ids.map((companyId, i) => ({ contactId: `k${i}`, companyId, primary: true })),
  );
  const computed = contacts.map((c) => ({
    contactId: c.id,
    personaId: 'user',
    score: 10,
    secondary: [],
    journeyStage: 'awareness',
    explanation: { firedRules: [] },
    ruleSetVersion: 1,
    needsWrite: false,
  }));
  await stores.assignments.saveComputed(portalId, computed, 'sync', 1);
  return ids;
}

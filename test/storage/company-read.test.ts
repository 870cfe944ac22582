import type { Storage } from '../../src/storage/connect';
import { createStores, type Stores } from '../../src/storage/stores';
import { engines } from '../support/databases';

const T0 = 1_700_000_000_000;

/** Reading one company (the company card's "unknown company" depends on it), on every engine. */
for (const [engine, open] of engines) {
  describe(`getCompany on ${engine}`, () => {
    let storage: Storage;
    let s: Stores;
    beforeEach(async () => {
      storage = await open();
      s = createStores(storage);
      await s.crm.upsertCompanies(101, [{ id: '900', properties: { name: 'Acme', domain: 'acme.example' }, hsUpdatedAt: T0 }], T0);
    });
    afterEach(async () => {
      await storage.close();
    });

    it('gives the stored company with its properties, null for one it does not have, and nothing across portals', async () => {
      expect(await s.crm.getCompany(101, '900')).toEqual({
        id: '900',
        properties: { name: 'Acme', domain: 'acme.example' },
        hsUpdatedAt: T0,
      });
      expect(await s.crm.getCompany(101, '901')).toBeNull();
      expect(await s.crm.getCompany(202, '900')).toBeNull();
    });

    it('follows an update and a deletion', async () => {
      await s.crm.upsertCompanies(101, [{ id: '900', properties: { name: 'Acme Corp' }, hsUpdatedAt: T0 + 1 }], T0 + 1);
      expect((await s.crm.getCompany(101, '900'))?.properties).toEqual({ name: 'Acme Corp' });
      await s.crm.deleteCompanies(101, ['900']);
      expect(await s.crm.getCompany(101, '900')).toBeNull();
    });
  });
}

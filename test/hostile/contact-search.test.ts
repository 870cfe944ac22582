import type { Storage } from '../../src/storage/connect';
import { createStores, type Stores } from '../../src/storage/stores';
import { engines } from '../support/databases';

const P = 4242;
const T0 = Date.UTC(2026, 10, 1);

const contact = (id: string, properties: Record<string, string>, email: string | null = null) => ({
  id,
  email,
  properties,
  hsUpdatedAt: T0,
  archived: false,
});

describe.each(engines)('hostile input: contact search matches values, not the stored JSON (%s)', (_engine, open) => {
  let storage: Storage;
  let stores: Stores;
  const search = async (q: string) => (await stores.crm.searchContacts(P, q, 25)).map((c) => c.id).sort();

  beforeAll(async () => {
    storage = await open();
    stores = createStores(storage);
    await stores.crm.upsertContacts(
      P,
      [
        contact('101', { firstname: 'Grace', lastname: 'Hopper', jobtitle: 'Rear Admiral' }, 'grace@navy.example'),
        contact('102', { firstname: 'Alan', lastname: 'Turing', jobtitle: 'firstname_collector' }, 'alan@bletchley.example'),
        contact('103', { firstname: '100%', lastname: 'Real_Name' }, null),
        contact('104', { firstname: 'Ada', lastname: 'Lovelace', note: 'says "hello"' }, 'ada@engine.example'),
      ],
      T0,
    );
  }, 120_000);
  afterAll(async () => {
    await storage?.close();
  });

  it.each([
    ['a property name', 'firstname'],
    ['a JSON quote', '"'],
    ['a JSON brace', '{'],
    ['a JSON key-value separator', '":"'],
    ['a value of a property that is not searched', 'admiral'],
  ])('finds nothing for %s', async (_name, q) => {
    expect(await search(q)).toEqual([]);
  });

  it('takes % and _ literally', async () => {
    expect(await search('_')).toEqual(['103']);
    expect(await search('%')).toEqual(['103']);
    expect(await search('0%')).toEqual(['103']);
    expect(await search('a_e')).toEqual([]);
  });

  it('finds by first name, last name, full name, email fragment and exact id, ignoring case', async () => {
    expect(await search('GRACE')).toEqual(['101']);
    expect(await search('hopper')).toEqual(['101']);
    expect(await search('grace hopper')).toEqual(['101']);
    expect(await search('@bletchley')).toEqual(['102']);
    expect(await search('104')).toEqual(['104']);
    expect(await search('10')).toEqual(['103']); // the name "100%", not ids 101, 102, 104
  });

  it("never finds another portal's contacts", async () => {
    await stores.crm.upsertContacts(P + 1, [contact('201', { firstname: 'Grace' }, 'grace@other.example')], T0);
    expect(await search('grace')).toEqual(['101']);
  });
});

import type { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { PropertyCreateFieldTypeEnum, PropertyCreateTypeEnum } from '@hubspot/api-client/lib/codegen/crm/properties';
import type { Sandbox } from '../../src/sandbox';
import { associationBatch, batchResponse, hubspotError, listPage, property, searchPage, simpleObject } from '../support/sandbox-schemas';
import { PORTAL_A, PORTAL_B, sdkClient, startTestSandbox, type JsonBody } from '../support/sandbox-harness';

const BIG_PORTAL = 222_001;

let sandbox: Sandbox;
let client: Client;
let token: string;

async function api(path: string, init: RequestInit = {}, bearer = token): Promise<{ status: number; body: JsonBody; headers: Headers }> {
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: JsonBody }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; body: JsonBody };
  }
  throw new Error('expected the SDK call to fail');
}

beforeAll(async () => {
  sandbox = await startTestSandbox({
    portals: [
      { portalId: PORTAL_A, contacts: 120, seed: 7 },
      { portalId: PORTAL_B, contacts: 30, seed: 8 },
      { portalId: BIG_PORTAL, contacts: 10_050, seed: 9 },
    ],
    rateLimit: { enabled: false },
  });
  ({ client, accessToken: token } = sdkClient(sandbox, PORTAL_A));
});

afterAll(() => sandbox.close());

describe('listing objects', () => {
  it('pages through every contact exactly once with the SDK getAll', async () => {
    const all = await client.crm.contacts.getAll(100, undefined, ['jobtitle']);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((c) => c.id)).size).toBe(120);
    expect(all[0].properties).toHaveProperty('jobtitle');
    expect(all[0].createdAt).toBeInstanceOf(Date);
  });

  it('answers list pages in HubSpot shape, with a default of 10 and no paging on the last page', async () => {
    const first = await api('/crm/v3/objects/contacts');
    expect(listPage.parse(first.body).results).toHaveLength(10);
    expect(Object.keys(first.body.results[0].properties).sort()).toEqual([
      'createdate',
      'email',
      'firstname',
      'hs_object_id',
      'lastmodifieddate',
      'lastname',
    ]);
    const last = await api('/crm/v3/objects/contacts?limit=100&after=1101');
    expect(listPage.parse(last.body).results).toHaveLength(20);
    expect(last.body.paging).toBeUndefined();
  });

  it('accepts properties comma-joined as well as repeated, and returns null for empty known properties', async () => {
    const joined = await api('/crm/v3/objects/contacts?limit=5&properties=jobtitle,industry,not_a_property');
    const repeated = await api('/crm/v3/objects/contacts?limit=5&properties=jobtitle&properties=industry');
    expect(joined.body.results).toEqual(repeated.body.results);
    for (const c of joined.body.results) {
      expect(c.properties).toHaveProperty('industry');
      expect(c.properties).not.toHaveProperty('not_a_property');
      expect(c.properties).not.toHaveProperty('email');
    }
  });

  it('refuses a page size above 100', async () => {
    const res = await api('/crm/v3/objects/contacts?limit=101');
    expect(res.status).toBe(400);
    hubspotError.parse(res.body);
  });

  it('includes ticket associations on contacts only when asked, and lists tickets with their contacts', async () => {
    const page = await client.crm.contacts.basicApi.getPage(50, undefined, undefined, undefined, ['tickets']);
    const withTickets = page.results.filter((c) => c.associations?.tickets);
    expect(withTickets.length).toBeGreaterThan(0);
    const ticketId = withTickets[0].associations!.tickets.results[0].id;
    const ticket = await client.crm.tickets.basicApi.getById(ticketId, ['subject', 'hs_ticket_category'], undefined, ['contacts']);
    expect(ticket.associations!.contacts.results.map((r) => r.id)).toContain(withTickets[0].id);
    const plain = await api('/crm/v3/objects/contacts?limit=5');
    for (const c of plain.body.results) expect(c.associations).toBeUndefined();
  });

  it('lists tickets with HubSpot default ticket properties and the documented value sets', async () => {
    const tickets = await client.crm.tickets.getAll(100);
    expect(tickets.length).toBeGreaterThan(50);
    for (const t of tickets) {
      expect(t.properties.hs_pipeline).toBe('0');
      expect(['LOW', 'MEDIUM', 'HIGH', 'URGENT']).toContain(t.properties.hs_ticket_priority);
      expect(t.properties).toHaveProperty('hs_lastmodifieddate');
    }
  });

  it('keeps portals apart: a token sees only its own portal', async () => {
    const { client: other } = sdkClient(sandbox, PORTAL_B);
    expect(await other.crm.contacts.getAll(100)).toHaveLength(30);
  });
});

describe('reading and updating one object', () => {
  it('reads a contact by id and answers 404 in HubSpot shape for an unknown one', async () => {
    const c = await client.crm.contacts.basicApi.getById('1005', ['jobtitle']);
    expect(c.id).toBe('1005');
    const missing = await apiError(client.crm.contacts.basicApi.getById('999999'));
    expect(missing.code).toBe(404);
    hubspotError.parse(missing.body);
  });

  it('advances lastmodifieddate on every write and returns the written values as strings', async () => {
    const before = await client.crm.contacts.basicApi.getById('1010', ['jobtitle']);
    const first = await client.crm.contacts.basicApi.update('1010', { properties: { jobtitle: 'Head of Data' } });
    const second = await client.crm.contacts.basicApi.update('1010', { properties: { jobtitle: 'Chief Data Officer' } });
    expect(first.properties.jobtitle).toBe('Head of Data');
    const t0 = Date.parse(before.properties.lastmodifieddate!);
    const t1 = Date.parse(first.properties.lastmodifieddate!);
    const t2 = Date.parse(second.properties.lastmodifieddate!);
    expect(t1).toBeGreaterThan(t0);
    expect(t2).toBeGreaterThan(t1);
    expect(second.updatedAt.getTime()).toBe(t2);
    const raw = await api('/crm/v3/objects/contacts/1010?properties=jobtitle');
    simpleObject.parse(raw.body);
    expect(raw.body.properties.jobtitle).toBe('Chief Data Officer');
  });

  it('advances hs_lastmodifieddate on ticket writes', async () => {
    const ticketId = sandbox.data.ticketIdsOfContact(PORTAL_A, '1003')[0];
    const before = await client.crm.tickets.basicApi.getById(ticketId);
    const after = await client.crm.tickets.basicApi.update(ticketId, { properties: { hs_ticket_priority: 'URGENT' } });
    expect(after.properties.hs_ticket_priority).toBe('URGENT');
    expect(Date.parse(after.properties.hs_lastmodifieddate!)).toBeGreaterThan(Date.parse(before.properties.hs_lastmodifieddate!));
  });

  it('refuses writes to properties that do not exist or enumeration values that are not options', async () => {
    const unknown = await apiError(client.crm.contacts.basicApi.update('1011', { properties: { no_such_prop: 'x' } }));
    expect(unknown.code).toBe(400);
    expect(hubspotError.parse(unknown.body).category).toBe('VALIDATION_ERROR');
    expect(unknown.body.message).toContain('PROPERTY_DOESNT_EXIST');
    const badOption = await apiError(client.crm.contacts.basicApi.update('1011', { properties: { lifecyclestage: 'not_a_stage' } }));
    expect(badOption.code).toBe(400);
    expect(badOption.body.message).toContain('INVALID_OPTION');
  });
});

describe('search', () => {
  const search = (body: object) => client.crm.contacts.searchApi.doSearch(body as never);

  it('filters with AND inside a group and OR across groups, and reports the total', async () => {
    const all = await client.crm.contacts.getAll(100, undefined, ['industry', 'hs_analytics_num_page_views']);
    const expected = all
      .filter(
        (c) =>
          (c.properties.industry === 'EDUCATION' && Number(c.properties.hs_analytics_num_page_views) < 5) ||
          c.properties.industry === 'RETAIL',
      )
      .map((c) => c.id)
      .sort();
    const res = await search({
      filterGroups: [
        {
          filters: [
            { propertyName: 'industry', operator: FilterOperatorEnum.Eq, value: 'EDUCATION' },
            { propertyName: 'hs_analytics_num_page_views', operator: FilterOperatorEnum.Lt, value: '5' },
          ],
        },
        { filters: [{ propertyName: 'industry', operator: FilterOperatorEnum.Eq, value: 'RETAIL' }] },
      ],
      limit: 200,
    });
    expect(res.total).toBe(expected.length);
    expect(res.results.map((c) => c.id).sort()).toEqual(expected);
  });

  it('supports every documented operator', async () => {
    const all = await client.crm.contacts.getAll(100, undefined, ['hs_analytics_num_page_views', 'numemployees', 'jobtitle']);
    const views = (c: { properties: Record<string, string | null> }) => Number(c.properties.hs_analytics_num_page_views);
    const count = async (filter: object) => (await search({ filterGroups: [{ filters: [filter] }], limit: 1 })).total;
    expect(await count({ propertyName: 'hs_analytics_num_page_views', operator: 'BETWEEN', value: '10', highValue: '50' })).toBe(
      all.filter((c) => views(c) >= 10 && views(c) <= 50).length,
    );
    expect(await count({ propertyName: 'hs_analytics_num_page_views', operator: 'GTE', value: '100' })).toBe(
      all.filter((c) => views(c) >= 100).length,
    );
    expect(await count({ propertyName: 'hs_analytics_num_page_views', operator: 'LTE', value: '3' })).toBe(
      all.filter((c) => views(c) <= 3).length,
    );
    expect(await count({ propertyName: 'hs_analytics_num_page_views', operator: 'GT', value: '100' })).toBe(
      all.filter((c) => views(c) > 100).length,
    );
    expect(await count({ propertyName: 'numemployees', operator: 'IN', values: ['1-5', '1000+'] })).toBe(
      all.filter((c) => ['1-5', '1000+'].includes(c.properties.numemployees!)).length,
    );
    expect(await count({ propertyName: 'numemployees', operator: 'NOT_IN', values: ['1-5', '1000+'] })).toBe(
      all.filter((c) => !['1-5', '1000+'].includes(c.properties.numemployees!)).length,
    );
    expect(await count({ propertyName: 'numemployees', operator: 'NEQ', value: '1-5' })).toBe(
      all.filter((c) => c.properties.numemployees !== '1-5').length,
    );
    const withTitle = all.filter((c) => c.properties.jobtitle).length;
    expect(await count({ propertyName: 'jobtitle', operator: 'HAS_PROPERTY' })).toBe(withTitle);
    expect(await count({ propertyName: 'jobtitle', operator: 'NOT_HAS_PROPERTY' })).toBe(120 - withTitle);
  });

  it('sorts by one property and pages with an integer offset', async () => {
    const body = {
      filterGroups: [],
      sorts: [{ propertyName: 'hs_analytics_num_page_views', direction: 'DESCENDING' }],
      properties: ['hs_analytics_num_page_views'],
      limit: 7,
    };
    const first = await search(body);
    const second = await search({ ...body, after: first.paging!.next!.after });
    expect(first.paging!.next!.after).toBe('7');
    const values = [...first.results, ...second.results].map((c) => Number(c.properties.hs_analytics_num_page_views));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const raw = await api('/crm/v3/objects/contacts/search', { method: 'POST', body: JSON.stringify(body) });
    searchPage.parse(raw.body);
    expect(raw.headers.get('x-hubspot-ratelimit-max')).toBeNull();
  });

  it('filters dates given as epoch milliseconds', async () => {
    const all = await client.crm.contacts.getAll(100, undefined, ['createdate']);
    const cut = Date.parse(all[60].properties.createdate!);
    const res = await search({
      filterGroups: [{ filters: [{ propertyName: 'createdate', operator: 'GTE', value: String(cut) }] }],
      limit: 1,
    });
    expect(res.total).toBe(all.filter((c) => Date.parse(c.properties.createdate!) >= cut).length);
  });

  it('refuses more than one sort, more than 200 per page and bodies over 3,000 characters', async () => {
    const twoSorts = await apiError(
      search({
        sorts: [
          { propertyName: 'createdate', direction: 'ASCENDING' },
          { propertyName: 'email', direction: 'ASCENDING' },
        ],
      }),
    );
    expect(twoSorts.code).toBe(400);
    const big = await apiError(search({ limit: 201 }));
    expect(big.code).toBe(400);
    const longBody = {
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'IN', values: Array.from({ length: 150 }, (_, i) => `someone${i}@example.com`) }] },
      ],
    };
    expect(JSON.stringify(longBody).length).toBeGreaterThan(3000);
    const tooLong = await apiError(search(longBody));
    expect(tooLong.code).toBe(400);
    hubspotError.parse(tooLong.body);
  });

  it('answers 400 when paging past 10,000 results, after serving the pages before it', async () => {
    const { client: big } = sdkClient(sandbox, BIG_PORTAL);
    const last = await big.crm.contacts.searchApi.doSearch({ limit: 200, after: '9800' } as never);
    expect(last.total).toBe(10_050);
    expect(last.results).toHaveLength(200);
    expect(last.paging!.next!.after).toBe('10000');
    const beyond = await apiError(big.crm.contacts.searchApi.doSearch({ limit: 200, after: '10000' } as never));
    expect(beyond.code).toBe(400);
    expect(hubspotError.parse(beyond.body).category).toBe('VALIDATION_ERROR');
  });

  it('finds tickets by their associated contact', async () => {
    const contactId = '1003';
    const res = await client.crm.tickets.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: contactId }] }],
      limit: 100,
    } as never);
    expect(res.results.map((t) => t.id).sort()).toEqual(sandbox.data.ticketIdsOfContact(PORTAL_A, contactId).sort());
  });
});

describe('batch endpoints', () => {
  it('reads up to 100 contacts and answers 207 with the unknown ids as errors', async () => {
    const res = await client.crm.contacts.batchApi.read({
      inputs: [{ id: '1001' }, { id: '1002' }, { id: '424242' }],
      properties: ['jobtitle'],
      propertiesWithHistory: [],
    });
    expect(res.results.map((r) => r.id).sort()).toEqual(['1001', '1002']);
    expect('errors' in res && res.errors?.[0].context).toEqual({ ids: ['424242'] });
    const raw = await api('/crm/v3/objects/contacts/batch/read', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ id: '1001' }, { id: '8' }] }),
    });
    expect(raw.status).toBe(207);
    batchResponse.parse(raw.body);
    const ok = await api('/crm/v3/objects/contacts/batch/read', { method: 'POST', body: JSON.stringify({ inputs: [{ id: '1001' }] }) });
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
  });

  it('refuses more than 100 inputs', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(1001 + i) }));
    const err = await apiError(client.crm.contacts.batchApi.read({ inputs, properties: [], propertiesWithHistory: [] }));
    expect(err.code).toBe(400);
    hubspotError.parse(err.body);
  });

  it('updates in batch, reporting unknown ids per input with 207', async () => {
    const res = await client.crm.contacts.batchApi.update({
      inputs: [
        { id: '1020', properties: { jobtitle: 'Batch Title' } },
        { id: '777777', properties: { jobtitle: 'x' } },
      ],
    });
    expect(res.results.map((r) => r.properties.jobtitle)).toEqual(['Batch Title']);
    expect('numErrors' in res && res.numErrors).toBe(1);
    expect(sandbox.data.getContact(PORTAL_A, '1020')!.properties.jobtitle).toBe('Batch Title');
  });

  it('fails the whole batch when any input has an invalid property', async () => {
    const before = sandbox.data.getContact(PORTAL_A, '1021')!.properties.jobtitle;
    const err = await apiError(
      client.crm.contacts.batchApi.update({
        inputs: [
          { id: '1021', properties: { jobtitle: 'Changed' } },
          { id: '1022', properties: { nope: 'x' } },
        ],
      }),
    );
    expect(err.code).toBe(400);
    expect(sandbox.data.getContact(PORTAL_A, '1021')!.properties.jobtitle).toBe(before);
  });
});

describe('associations v4', () => {
  it('reads contact-to-ticket associations in batch, with inputs that have none as 207 errors', async () => {
    const withTickets = ['1001', '1002', '1003', '1004', '1005', '1006'].filter(
      (id) => sandbox.data.ticketIdsOfContact(PORTAL_A, id).length > 0,
    );
    const without = Array.from({ length: 120 }, (_, i) => String(1001 + i)).find(
      (id) => sandbox.data.ticketIdsOfContact(PORTAL_A, id).length === 0,
    )!;
    const res = await client.crm.associations.v4.batchApi.getPage('contacts', 'tickets', {
      inputs: [...withTickets, without].map((id) => ({ id })),
    });
    expect(res.results.map((r) => r._from.id).sort()).toEqual(withTickets.sort());
    for (const r of res.results) {
      expect(r.to.map((t) => String(t.toObjectId)).sort()).toEqual(sandbox.data.ticketIdsOfContact(PORTAL_A, r._from.id).sort());
      expect(typeof r.to[0].toObjectId).toBe('number');
    }
    expect('errors' in res && res.errors?.length).toBe(1);
    const raw = await api('/crm/v4/associations/contacts/tickets/batch/read', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ id: withTickets[0] }, { id: without }] }),
    });
    expect(raw.status).toBe(207);
    const parsed = associationBatch.parse(raw.body);
    expect(parsed.results[0].to[0].associationTypes).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 15, label: null }]);
  });

  it('reads ticket-to-contact associations with type 16', async () => {
    const ticketId = sandbox.data.ticketIdsOfContact(PORTAL_A, '1003')[0];
    const raw = await api('/crm/v4/associations/tickets/contacts/batch/read', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ id: ticketId }] }),
    });
    expect(raw.status).toBe(200);
    expect(associationBatch.parse(raw.body).results[0].to).toEqual([
      { toObjectId: 1003, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 16, label: null }] },
    ]);
  });

  it('refuses more than 1,000 inputs', async () => {
    const inputs = Array.from({ length: 1001 }, (_, i) => ({ id: String(1001 + i) }));
    const raw = await api('/crm/v4/associations/contacts/tickets/batch/read', { method: 'POST', body: JSON.stringify({ inputs }) });
    expect(raw.status).toBe(400);
  });
});

describe('properties', () => {
  it('creates a group and an enumeration property, then refuses a duplicate with 409', async () => {
    await client.crm.properties.groupsApi.create('contacts', { name: 'personas', label: 'Personas', displayOrder: -1 });
    const created = await client.crm.properties.coreApi.create('contacts', {
      name: 'persona',
      label: 'Persona',
      groupName: 'personas',
      type: PropertyCreateTypeEnum.Enumeration,
      fieldType: PropertyCreateFieldTypeEnum.Select,
      options: [{ label: 'Developer', value: 'developer', hidden: false, displayOrder: 0 }],
    });
    expect(created.options.map((o) => o.value)).toEqual(['developer']);
    const again = await apiError(
      client.crm.properties.coreApi.create('contacts', {
        name: 'persona',
        label: 'Persona',
        groupName: 'personas',
        type: PropertyCreateTypeEnum.Enumeration,
        fieldType: PropertyCreateFieldTypeEnum.Select,
      }),
    );
    expect(again.code).toBe(409);
    hubspotError.parse(again.body);
    const groupAgain = await apiError(client.crm.properties.groupsApi.create('contacts', { name: 'personas', label: 'Personas' }));
    expect(groupAgain.code).toBe(409);
    const raw = await api('/crm/v3/properties/contacts/persona');
    property.parse(raw.body);
  });

  it('replaces the option list on update, and then validates writes against the new options', async () => {
    const updated = await client.crm.properties.coreApi.update('contacts', 'persona', {
      options: [
        { label: 'Analyst', value: 'data_analyst', hidden: false, displayOrder: 0 },
        { label: 'None', value: 'unassigned', hidden: false, displayOrder: 1 },
      ],
    });
    expect(updated.options.map((o) => o.value)).toEqual(['data_analyst', 'unassigned']);
    await client.crm.contacts.basicApi.update('1030', { properties: { persona: 'data_analyst' } });
    const stale = await apiError(client.crm.contacts.basicApi.update('1030', { properties: { persona: 'developer' } }));
    expect(stale.code).toBe(400);
  });

  it('lists properties and groups in HubSpot shape', async () => {
    const all = await api('/crm/v3/properties/contacts');
    for (const p of all.body.results) property.parse(p);
    expect(all.body.results.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['jobtitle', 'numemployees', 'hs_persona', 'persona']),
    );
    const groups = await client.crm.properties.groupsApi.getAll('contacts');
    expect(groups.results.map((g) => g.name)).toContain('personas');
  });

  it('refuses to redefine a HubSpot-defined property and refuses invalid type combinations', async () => {
    const readOnly = await api('/crm/v3/properties/contacts/hs_analytics_source', {
      method: 'PATCH',
      body: JSON.stringify({ options: [] }),
    });
    expect(readOnly.status).toBe(400);
    const bad = await api('/crm/v3/properties/contacts', {
      method: 'POST',
      body: JSON.stringify({ name: 'weird', label: 'Weird', groupName: 'personas', type: 'string', fieldType: 'select' }),
    });
    expect(bad.status).toBe(400);
    hubspotError.parse(bad.body);
  });
});

describe('authentication', () => {
  it('answers 401 with HubSpot body for a missing or unknown token', async () => {
    const none = await fetch(`${sandbox.baseUrl}/crm/v3/objects/contacts`);
    expect(none.status).toBe(401);
    expect(hubspotError.parse(await none.json()).category).toBe('INVALID_AUTHENTICATION');
    const unknown = await api('/crm/v3/objects/contacts', {}, 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toMatch(/^Authentication credentials not found/);
  });
});

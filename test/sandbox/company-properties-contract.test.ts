import type { Client } from '@hubspot/api-client';
import type { Sandbox } from '../../src/sandbox';
import { hubspotError } from '../support/sandbox-schemas';
import { PORTAL_A, sdkClient, startTestSandbox, TEST_APP } from '../support/sandbox-harness';

/**
 * Company properties the app creates and writes (the buying committee's checkboxes), as HubSpot
 * plays them: only option values are accepted, a bad input fails the whole batch, and writing
 * needs the company write scopes.
 */

let sandbox: Sandbox;
let client: Client;

beforeAll(async () => {
  sandbox = await startTestSandbox({ rateLimit: { enabled: false } });
  ({ client } = sdkClient(sandbox, PORTAL_A));
  await client.crm.properties.groupsApi.create('companies', { name: 'personas', label: 'Personas', displayOrder: -1 });
  await client.crm.properties.coreApi.create('companies', {
    name: 'persona_gaps',
    label: 'Persona gaps',
    groupName: 'personas',
    type: 'enumeration' as never,
    fieldType: 'checkbox' as never,
    options: [
      { label: 'Buyer', value: 'buyer', displayOrder: 0, hidden: false },
      { label: 'Analyst', value: 'analyst', displayOrder: 1, hidden: false },
    ],
  });
  await client.crm.properties.coreApi.create('companies', {
    name: 'persona_empty',
    label: 'No options yet',
    groupName: 'personas',
    type: 'enumeration' as never,
    fieldType: 'checkbox' as never,
    options: [],
  });
});

afterAll(() => sandbox.close());

async function rejection(promise: Promise<unknown>): Promise<{ code: number; body: { message: string; category: string } }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code: number; body: unknown };
    return { code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as { message: string; category: string }) };
  }
  throw new Error('expected HubSpot to refuse');
}

const companyIds = () => [...sandbox.data.store(PORTAL_A).iterate('companies')].slice(0, 2).map((c) => c.id);

describe('company checkbox properties', () => {
  it('accepts ;-joined option values and empty, in a batch update', async () => {
    const [a, b] = companyIds();
    const res = await client.crm.companies.batchApi.update({
      inputs: [
        { id: a, properties: { persona_gaps: 'buyer;analyst' } },
        { id: b, properties: { persona_gaps: '' } },
      ],
    });
    expect(res.results.map((r) => [r.id, r.properties.persona_gaps ?? null]).sort()).toEqual([
      [a, 'buyer;analyst'],
      [b, null],
    ]);
  });

  it('refuses a value that is not an option with 400 VALIDATION_ERROR, failing the whole batch', async () => {
    const [a, b] = companyIds();
    const refused = await rejection(
      client.crm.companies.batchApi.update({
        inputs: [
          { id: a, properties: { persona_gaps: 'buyer' } },
          { id: b, properties: { persona_gaps: 'analyst;champion' } },
        ],
      }),
    );
    expect(refused.code).toBe(400);
    expect(hubspotError.parse(refused.body).category).toBe('VALIDATION_ERROR');
    expect(refused.body.message).toContain('INVALID_OPTION');
    expect(refused.body.message).toContain('champion');
    expect(sandbox.data.getCompany(PORTAL_A, a)!.properties.persona_gaps).toBe('buyer;analyst');
  });

  it('refuses any value for an app enumeration that has no options yet', async () => {
    const [a] = companyIds();
    const refused = await rejection(client.crm.companies.basicApi.update(a, { properties: { persona_empty: 'buyer' } }));
    expect(refused.code).toBe(400);
    expect(refused.body.message).toContain('INVALID_OPTION');
  });

  it('answers 403 MISSING_SCOPES to company writes and company property changes without the write scopes', async () => {
    const narrow = await startTestSandbox({
      rateLimit: { enabled: false },
      app: { scopes: TEST_APP.scopes.filter((s) => s !== 'crm.objects.companies.write' && s !== 'crm.schemas.companies.write') },
    });
    try {
      const { client: limited } = sdkClient(narrow, PORTAL_A);
      const [id] = [...narrow.data.store(PORTAL_A).iterate('companies')].map((c) => c.id);
      const write = await rejection(limited.crm.companies.batchApi.update({ inputs: [{ id, properties: { name: 'x' } }] }));
      expect(write.code).toBe(403);
      expect(write.body.category).toBe('MISSING_SCOPES');
      const group = await rejection(
        limited.crm.properties.groupsApi.create('companies', { name: 'personas', label: 'P', displayOrder: -1 }),
      );
      expect(group.code).toBe(403);
      // Reading stays allowed with the read scope.
      expect((await limited.crm.companies.basicApi.getById(id)).id).toBe(id);
    } finally {
      await narrow.close();
    }
  });
});

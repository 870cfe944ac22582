import { z } from 'zod';
import type { Sandbox } from '../../src/sandbox';
import { FLOWS_MAX_LIMIT, LIST_SEARCH_MAX_COUNT } from '../../src/sandbox/automation-routes';
import { hubspotError } from '../support/sandbox-schemas';
import { PORTAL_A, startTestSandbox, type JsonBody } from '../support/sandbox-harness';

// HubSpot's shapes as its docs give them: Lists v3 (search without filters, read with
// includeFilters) and automation v4 flows (summaries, then batch read of full definitions).
const listSummary = z
  .object({ listId: z.string(), name: z.string(), processingType: z.enum(['DYNAMIC', 'MANUAL', 'SNAPSHOT']), objectTypeId: z.string() })
  .passthrough();
const listSearch = z
  .object({ lists: z.array(listSummary), total: z.number().int(), offset: z.number().int(), hasMore: z.boolean() })
  .strict();
const filterBranch = z
  .object({ filterBranchType: z.string(), filters: z.array(z.unknown()), filterBranches: z.array(z.unknown()) })
  .passthrough();
const flowSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    isEnabled: z.boolean(),
    flowType: z.string(),
    objectTypeId: z.string(),
    revisionId: z.string(),
  })
  .passthrough();
const flowPage = z
  .object({ results: z.array(flowSummary), paging: z.object({ next: z.object({ after: z.string(), link: z.string() }) }).optional() })
  .strict();
const staticBranch = z
  .object({
    type: z.literal('STATIC_BRANCH'),
    inputValue: z.object({ propertyName: z.string() }).passthrough(),
    staticBranches: z.array(z.object({ branchValue: z.string() }).passthrough()),
  })
  .passthrough();

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ portals: [{ portalId: PORTAL_A, contacts: 10, seed: 3 }], rateLimit: { enabled: false } });
});
afterAll(() => sandbox.close());

async function call(path: string, scopes: string[], init: RequestInit = {}): Promise<{ status: number; body: JsonBody }> {
  const { accessToken } = sandbox.tokens.issue(PORTAL_A, scopes);
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
  });
  return { status: res.status, body: await res.json() };
}
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

describe('lists (v3)', () => {
  const LISTS = ['oauth', 'crm.lists.read'];

  it('searches active lists without their filters, paged by offset', async () => {
    const first = await call('/crm/v3/lists/search', LISTS, post({ processingTypes: ['DYNAMIC'], count: 1, offset: 0 }));
    expect(first.status).toBe(200);
    const page = listSearch.parse(first.body);
    expect(page).toMatchObject({ total: 2, offset: 1, hasMore: true });
    expect(first.body.lists[0].filterBranch).toBeUndefined();
    const second = listSearch.parse(
      (await call('/crm/v3/lists/search', LISTS, post({ processingTypes: ['DYNAMIC'], count: 1, offset: 1 }))).body,
    );
    expect(second).toMatchObject({ offset: 2, hasMore: false });
  });

  it('reads lists by id with their filter definitions only when includeFilters=true', async () => {
    const withFilters = await call('/crm/v3/lists/?listIds=101&listIds=102&includeFilters=true', LISTS);
    expect(withFilters.status).toBe(200);
    expect(withFilters.body.lists).toHaveLength(2);
    for (const l of withFilters.body.lists) filterBranch.parse(l.filterBranch);
    const without = await call('/crm/v3/lists/?listIds=101', LISTS);
    expect(without.body.lists[0].filterBranch).toBeUndefined();
  });

  it('refuses a token without crm.lists.read with 403 MISSING_SCOPES, and a count over the limit with 400', async () => {
    const refused = await call('/crm/v3/lists/search', ['oauth', 'automation'], post({ count: 10 }));
    expect(refused.status).toBe(403);
    expect(hubspotError.parse(refused.body).category).toBe('MISSING_SCOPES');
    const tooMany = await call('/crm/v3/lists/search', LISTS, post({ count: LIST_SEARCH_MAX_COUNT + 1 }));
    expect(tooMany.status).toBe(400);
    expect(hubspotError.parse(tooMany.body).category).toBe('VALIDATION_ERROR');
  });
});

describe('workflows (automation v4 flows)', () => {
  const FLOWS = ['oauth', 'automation'];

  it('lists flow summaries a page at a time with an after cursor, without their actions', async () => {
    const first = await call('/automation/v4/flows?limit=1', FLOWS);
    expect(first.status).toBe(200);
    const page = flowPage.parse(first.body);
    expect(page.results[0]).not.toHaveProperty('actions');
    const next = flowPage.parse((await call(`/automation/v4/flows?limit=1&after=${page.paging!.next.after}`, FLOWS)).body);
    expect(next.results[0]!.id).not.toBe(page.results[0]!.id);
    expect(next.paging).toBeUndefined();
    expect((await call(`/automation/v4/flows?limit=${FLOWS_MAX_LIMIT + 1}`, FLOWS)).status).toBe(400);
  });

  it('batch-reads full flows, whose static branches name the property and the values they route on', async () => {
    const res = await call('/automation/v4/flows/batch/read', FLOWS, post({ inputs: [{ flowId: '9001', type: 'FLOW_ID' }] }));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('COMPLETE');
    const branch = staticBranch.parse(res.body.results[0].actions[0]);
    expect(branch.inputValue.propertyName).toBe('persona');
    expect(branch.staticBranches.map((b) => b.branchValue)).toEqual(['data_analyst', 'ops_leader']);
    expect((await call('/automation/v4/flows/batch/read', FLOWS, post({ inputs: [] }))).status).toBe(400);
  });

  it('refuses a token without the automation scope', async () => {
    const refused = await call('/automation/v4/flows', ['oauth', 'crm.lists.read']);
    expect(refused.status).toBe(403);
    expect(refused.body.category).toBe('MISSING_SCOPES');
  });
});

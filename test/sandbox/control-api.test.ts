import type { Sandbox } from '../../src/sandbox';
import { PORTAL_A, PORTAL_B, sdkClient, startTestSandbox, type JsonBody } from '../support/sandbox-harness';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox({
    portals: [
      { portalId: PORTAL_A, contacts: 40, seed: 3 },
      { portalId: PORTAL_B, contacts: 5, seed: 4, hubDomain: 'acme.example.com' },
    ],
  });
});
afterAll(() => sandbox.close());

async function control(path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: JsonBody }> {
  const res = await fetch(`${sandbox.baseUrl}/_sandbox/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function submit(path: string, fields: Record<string, string>): Promise<string> {
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!, sandbox.baseUrl).searchParams.get('message') ?? '';
}

describe('the control JSON API', () => {
  it('lists the portals', async () => {
    const res = await control('/portals');
    expect(res.body.results.map((p: { portalId: number; contacts: number }) => [p.portalId, p.contacts])).toEqual([
      [PORTAL_A, 40],
      [PORTAL_B, 5],
    ]);
    expect(res.body.results[1].hubDomain).toBe('acme.example.com');
  });

  it('reads and edits a contact, and the edit is what the CRM API then returns', async () => {
    const before = await control(`/portals/${PORTAL_A}/contacts/1002`);
    expect(before.body.plantedGroup).toEqual(sandbox.data.groundTruth(PORTAL_A, '1002'));
    const edited = await control(`/portals/${PORTAL_A}/contacts/1002`, 'PATCH', { properties: { jobtitle: 'Support Team Lead' } });
    expect(edited.body.properties.jobtitle).toBe('Support Team Lead');
    const { client } = sdkClient(sandbox, PORTAL_A);
    expect((await client.crm.contacts.basicApi.getById('1002', ['jobtitle'])).properties.jobtitle).toBe('Support Team Lead');
    const bad = await control(`/portals/${PORTAL_A}/contacts/1002`, 'PATCH', { properties: { nope: 'x' } });
    expect(bad.status).toBe(400);
    expect((await control(`/portals/${PORTAL_A}/contacts/999`)).status).toBe(404);
    expect((await control('/portals/5/contacts/1001')).status).toBe(404);
  });

  it('adds a ticket to a contact and merges two contacts', async () => {
    const ticket = await control(`/portals/${PORTAL_A}/tickets`, 'POST', {
      properties: { subject: 'Broken export', hs_ticket_category: 'PRODUCT_ISSUE' },
      contactIds: ['1003'],
    });
    expect(ticket.status).toBe(200);
    expect(sandbox.data.ticketIdsOfContact(PORTAL_A, '1003')).toContain(ticket.body.id);
    const merged = await control(`/portals/${PORTAL_A}/merge`, 'POST', { primaryId: '1004', mergedId: '1003' });
    expect(merged.status).toBe(200);
    expect(sandbox.data.ticketIdsOfContact(PORTAL_A, '1004')).toContain(ticket.body.id);
    expect((await control(`/portals/${PORTAL_A}/contacts/1003`)).status).toBe(404);
  });

  it('deletes contacts so that listings skip them and archived listings show them', async () => {
    expect((await control(`/portals/${PORTAL_A}/contacts/1010`, 'DELETE')).status).toBe(204);
    const { client } = sdkClient(sandbox, PORTAL_A);
    const live = await client.crm.contacts.getAll(100);
    expect(live.map((c) => c.id)).not.toContain('1010');
    const archived = await client.crm.contacts.basicApi.getPage(100, undefined, undefined, undefined, undefined, true);
    expect(archived.results.map((c) => c.id)).toContain('1010');
    expect(archived.results.find((c) => c.id === '1010')!.archived).toBe(true);
    await control(`/portals/${PORTAL_A}/contacts/1011/privacy-delete`, 'POST');
    const after = await client.crm.contacts.basicApi.getPage(100, undefined, undefined, undefined, undefined, true);
    expect(after.results.map((c) => c.id)).not.toContain('1011');
  });

  it('creates contacts that the CRM API lists after the generated ones', async () => {
    const created = await control(`/portals/${PORTAL_B}/contacts`, 'POST', {
      properties: { email: 'new@acme.example.com', jobtitle: 'CFO' },
    });
    const { client } = sdkClient(sandbox, PORTAL_B);
    const all = await client.crm.contacts.getAll(2);
    expect(all.map((c) => c.id)).toEqual(['1001', '1002', '1003', '1004', '1005', created.body.id]);
    expect(sandbox.data.groundTruth(PORTAL_B, created.body.id)).toBeUndefined();
  });

  it('issues tokens and reports per-portal stats', async () => {
    const tokens = await control(`/portals/${PORTAL_B}/tokens`, 'POST');
    await fetch(`${sandbox.baseUrl}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${tokens.body.accessToken}` } });
    const stats = await control(`/portals/${PORTAL_B}/stats`);
    expect(stats.body.byPath['GET /crm/v3/objects/contacts']).toBeGreaterThanOrEqual(1);
  });
});

describe('the control page', () => {
  it('shows a contact with forms to edit it, add a ticket and merge', async () => {
    const html = await (await fetch(`${sandbox.baseUrl}/_sandbox?portal=${PORTAL_A}&contact=1005`)).text();
    expect(html).toContain('action="/_sandbox/form/edit-contact"');
    expect(html).toContain('action="/_sandbox/form/add-ticket"');
    expect(html).toContain('action="/_sandbox/form/merge"');
    expect(html).toContain('name="prop_jobtitle"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('applies the forms and reports the outcome', async () => {
    expect(
      await submit('/_sandbox/form/edit-contact', { portalId: String(PORTAL_A), contactId: '1006', prop_jobtitle: 'Marketing Manager' }),
    ).toMatch(/saved/);
    expect(sandbox.data.getContact(PORTAL_A, '1006')!.properties.jobtitle).toBe('Marketing Manager');
    expect(
      await submit('/_sandbox/form/add-ticket', {
        portalId: String(PORTAL_A),
        contactId: '1006',
        subject: 'Help',
        category: 'ONBOARDING',
        priority: 'LOW',
      }),
    ).toMatch(/Ticket \d+ added/);
    expect(await submit('/_sandbox/form/merge', { portalId: String(PORTAL_A), primaryId: '1006', mergedId: '999' })).toMatch(/^Error/);
    expect(await submit('/_sandbox/form/merge', { portalId: String(PORTAL_A), primaryId: '1006', mergedId: '1007' })).toMatch(/merged/);
  });

  it('escapes property values it shows', async () => {
    sandbox.data.updateContact(PORTAL_A, '1008', { jobtitle: '<b>"x"</b>' });
    const html = await (await fetch(`${sandbox.baseUrl}/_sandbox?portal=${PORTAL_A}&contact=1008`)).text();
    expect(html).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(html).not.toContain('<b>"x"</b>');
  });
});

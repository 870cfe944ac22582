import type { Client } from '@hubspot/api-client';
import type { Sandbox, WebhookEvent } from '../../src/sandbox';
import { associationBatch, batchResponse, hubspotError, listPage } from '../support/sandbox-schemas';
import { PORTAL_A, PORTAL_B, sdkClient, startTestSandbox, TEST_APP, type JsonBody } from '../support/sandbox-harness';
import { startReceiver, type Receiver } from '../support/sandbox-receiver';

/** Companies, feedback submissions and their associations, as HubSpot serves them. */

let sandbox: Sandbox;
let receiver: Receiver;
let client: Client;
let token: string;

async function api(path: string, init: RequestInit = {}, bearer = token): Promise<{ status: number; body: JsonBody }> {
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const post = (path: string, body: unknown, bearer = token) => api(path, { method: 'POST', body: JSON.stringify(body) }, bearer);

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startTestSandbox({
    app: { targetBaseUrl: receiver.baseUrl },
    portals: [
      { portalId: PORTAL_A, contacts: 400, seed: 7 },
      { portalId: PORTAL_B, contacts: 40, seed: 8, surveys: false },
    ],
    rateLimit: { enabled: false },
    webhooks: { enabled: true, flushMs: 5, retryDelaysMs: [10], timeoutMs: 700 },
  });
  ({ client, accessToken: token } = sdkClient(sandbox, PORTAL_A));
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

async function allContacts(): Promise<{ id: string; properties: Record<string, string | null> }[]> {
  return client.crm.contacts.getAll(100, undefined, ['associatedcompanyid', 'company', 'jobtitle']);
}

describe('companies', () => {
  it('lists companies in HubSpot shape with firmographics of realistic sizes and industries', async () => {
    const page = await api('/crm/v3/objects/companies?limit=100&properties=name,industry,numberofemployees,annualrevenue,domain');
    const parsed = listPage.parse(page.body);
    expect(parsed.results).toHaveLength(100);
    const sizes = parsed.results.map((c) => Number(c.properties.numberofemployees));
    expect(sizes.every((n) => Number.isInteger(n) && n >= 3 && n <= 60_000)).toBe(true);
    expect(Math.min(...sizes)).toBeLessThan(50);
    expect(Math.max(...sizes)).toBeGreaterThan(500);
    const { body: industryDef } = await api('/crm/v3/properties/companies/industry');
    const industries = new Set(industryDef.options.map((o: { value: string }) => o.value));
    expect(industryDef.type).toBe('enumeration');
    for (const company of parsed.results) expect(industries.has(company.properties.industry)).toBe(true);
  });

  it('puts several contacts in most companies, names the primary one on the contact, and leaves some contacts without', async () => {
    const contacts = await allContacts();
    const without = contacts.filter((c) => c.properties.associatedcompanyid === null);
    expect(without.length).toBeGreaterThan(0);
    expect(without.length).toBeLessThan(contacts.length / 3);
    const perCompany = new Map<string, number>();
    for (const c of contacts)
      if (c.properties.associatedcompanyid)
        perCompany.set(c.properties.associatedcompanyid, (perCompany.get(c.properties.associatedcompanyid) ?? 0) + 1);
    expect(Math.max(...perCompany.values())).toBeGreaterThanOrEqual(5);
    expect([...perCompany.values()].filter((n) => n >= 2).length).toBeGreaterThan(perCompany.size / 3);
    const sample = contacts.find((c) => c.properties.associatedcompanyid)!;
    const company = await client.crm.companies.basicApi.getById(sample.properties.associatedcompanyid!, ['name']);
    expect(sample.properties.company).toBe(company.properties.name);
  });

  it('reads companies in batch and answers 207 naming the missing ids', async () => {
    const contacts = await allContacts();
    const ids = [...new Set(contacts.map((c) => c.properties.associatedcompanyid).filter((id): id is string => id !== null))].slice(0, 3);
    const res = await post('/crm/v3/objects/companies/batch/read', {
      inputs: [...ids, '12345'].map((id) => ({ id })),
      properties: ['name'],
    });
    expect(res.status).toBe(207);
    const parsed = batchResponse.parse(res.body);
    expect(parsed.results.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(parsed.errors?.[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['12345'] } });
  });
});

describe('contact to company associations', () => {
  it('labels the primary company Primary (type 1) beside the unlabelled type, and lists contacts without companies as 207 errors', async () => {
    const contacts = await allContacts();
    const withCompany = contacts.filter((c) => c.properties.associatedcompanyid).slice(0, 5);
    const withoutCompany = contacts.find((c) => !c.properties.associatedcompanyid)!;
    const res = await post('/crm/v4/associations/contacts/companies/batch/read', {
      inputs: [...withCompany, withoutCompany].map((c) => ({ id: c.id })),
    });
    expect(res.status).toBe(207);
    const parsed = associationBatch.parse(res.body);
    for (const contact of withCompany) {
      const result = parsed.results.find((r) => r.from.id === contact.id)!;
      expect(result.to).toEqual([
        {
          toObjectId: Number(contact.properties.associatedcompanyid),
          associationTypes: [
            { category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
            { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
          ],
        },
      ]);
    }
    expect(parsed.errors?.[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { fromObjectId: [withoutCompany.id] } });
  });

  it('moves the Primary label to another company, keeps the old one unlabelled, updates associatedcompanyid and sends both webhooks', async () => {
    const contacts = await allContacts();
    const contact = contacts.find((c) => c.properties.associatedcompanyid)!;
    const oldCompany = contact.properties.associatedcompanyid!;
    const newCompany = contacts.find((c) => c.properties.associatedcompanyid && c.properties.associatedcompanyid !== oldCompany)!.properties
      .associatedcompanyid!;
    await sandbox.webhooks.settled();
    receiver.requests.length = 0;

    expect(sandbox.data.associateCompany(PORTAL_A, contact.id, newCompany, true)).toBe(true);

    const res = await post('/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: contact.id }] });
    const to = associationBatch.parse(res.body).results[0].to;
    expect(to.map((t) => [String(t.toObjectId), t.associationTypes.some((type) => type.label === 'Primary')]).sort()).toEqual(
      [
        [oldCompany, false],
        [newCompany, true],
      ].sort(),
    );
    expect((await client.crm.contacts.basicApi.getById(contact.id, ['associatedcompanyid'])).properties.associatedcompanyid).toBe(
      newCompany,
    );
    await sandbox.webhooks.settled();
    const events = receiver.requests.flatMap((r) => JSON.parse(r.rawBody) as WebhookEvent[]);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subscriptionType: 'contact.associationChange',
          associationType: 'CONTACT_TO_COMPANY',
          fromObjectId: Number(contact.id),
          toObjectId: Number(newCompany),
          associationRemoved: false,
          isPrimaryAssociation: true,
        }),
        expect.objectContaining({
          subscriptionType: 'company.associationChange',
          associationType: 'COMPANY_TO_CONTACT',
          fromObjectId: Number(newCompany),
          toObjectId: Number(contact.id),
        }),
        expect.objectContaining({
          subscriptionType: 'contact.propertyChange',
          objectId: Number(contact.id),
          propertyName: 'associatedcompanyid',
          propertyValue: newCompany,
        }),
      ]),
    );

    expect(sandbox.data.unassociateCompany(PORTAL_A, contact.id, newCompany)).toBe(true);
    expect((await client.crm.contacts.basicApi.getById(contact.id, ['associatedcompanyid'])).properties.associatedcompanyid).toBeNull();
    expect(sandbox.data.companiesOfContact(PORTAL_A, contact.id)).toEqual([{ companyId: oldCompany, primary: false }]);
  });

  it('names the primary company contact_to_company and every company contact_to_company_unlabeled in v3 inline associations', async () => {
    const page = await client.crm.contacts.basicApi.getPage(100, undefined, ['associatedcompanyid'], undefined, ['companies']);
    const withCompany = page.results.find((c) => c.properties.associatedcompanyid)!;
    const without = page.results.find((c) => !c.properties.associatedcompanyid)!;
    expect(withCompany.associations?.companies?.results).toEqual([
      { id: withCompany.properties.associatedcompanyid, type: 'contact_to_company' },
      { id: withCompany.properties.associatedcompanyid, type: 'contact_to_company_unlabeled' },
    ]);
    expect(without.associations?.companies).toBeUndefined();
  });

  it("lists a company's contacts from the company side with the Primary label where it is theirs", async () => {
    const contacts = await allContacts();
    const companyId = contacts.find((c) => c.properties.associatedcompanyid)!.properties.associatedcompanyid!;
    const members = contacts.filter((c) => c.properties.associatedcompanyid === companyId).map((c) => Number(c.id));
    const res = await api(`/crm/v4/objects/companies/${companyId}/associations/contacts`);
    expect(res.status).toBe(200);
    const primaries = res.body.results.filter((r: { associationTypes: { label: string | null }[] }) =>
      r.associationTypes.some((t) => t.label === 'Primary'),
    );
    expect(primaries.map((r: { toObjectId: number }) => r.toObjectId).sort()).toEqual(members.sort());
  });

  it('sends company.propertyChange when a company property changes', async () => {
    await sandbox.webhooks.settled();
    receiver.requests.length = 0;
    const companyId = (await allContacts()).find((c) => c.properties.associatedcompanyid)!.properties.associatedcompanyid!;
    sandbox.data.updateCompany(PORTAL_A, companyId, { numberofemployees: '7777' });
    await sandbox.webhooks.settled();
    const events = receiver.requests.flatMap((r) => JSON.parse(r.rawBody) as WebhookEvent[]);
    expect(events).toEqual([
      expect.objectContaining({
        subscriptionType: 'company.propertyChange',
        objectId: Number(companyId),
        propertyName: 'numberofemployees',
        propertyValue: '7777',
        portalId: PORTAL_A,
      }),
    ]);
  });
});

describe('feedback submissions', () => {
  it('serves NPS, CSAT and CES responses with comments, associated with their contacts', async () => {
    const contacts = await allContacts();
    const res = await post('/crm/v4/associations/contacts/feedback_submissions/batch/read', {
      inputs: contacts.slice(0, 100).map((c) => ({ id: c.id })),
    });
    expect([200, 207]).toContain(res.status);
    const parsed = associationBatch.parse(res.body);
    const ids = parsed.results.flatMap((r) => r.to.map((t) => String(t.toObjectId)));
    expect(ids.length).toBeGreaterThan(10);
    const read = await post('/crm/v3/objects/feedback_submissions/batch/read', {
      inputs: ids.slice(0, 100).map((id) => ({ id })),
      properties: ['hs_survey_type', 'hs_value', 'hs_content', 'hs_sentiment', 'hs_createdate'],
    });
    const responses = batchResponse.parse(read.body).results;
    expect(new Set(responses.map((r) => r.properties.hs_survey_type))).toEqual(new Set(['NPS', 'CSAT', 'CES']));
    expect(responses.filter((r) => r.properties.hs_content).length).toBeGreaterThan(responses.length / 2);
    for (const r of responses) expect(Number.isNaN(Date.parse(r.properties.hs_createdate!))).toBe(false);
  });

  it('plants voice of customer by persona: analysts are promoters, buyers are not', async () => {
    const store = sandbox.data.store(PORTAL_A);
    const npsOf = (group: string) => {
      const values: number[] = [];
      for (let i = 0; i < store.base.contacts; i++) {
        if (store.base.plantedGroupOf(i) !== group) continue;
        for (const s of store.base.accounts.surveysOfContact(i))
          if (s.properties.hs_survey_type === 'NPS') values.push(Number(s.properties.hs_value));
      }
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(npsOf('hands_on_analyst')).toBeGreaterThan(8);
    expect(npsOf('economic_buyer')).toBeLessThan(6);
  });

  it('adds a new survey response to a contact without a webhook, findable by search on hs_createdate', async () => {
    await sandbox.webhooks.settled();
    receiver.requests.length = 0;
    const contactId = (await allContacts())[3].id;
    const before = sandbox.data.surveyIdsOfContact(PORTAL_A, contactId);
    const created = sandbox.data.addSurveyResponse(PORTAL_A, contactId, { hs_survey_type: 'NPS', hs_value: '2', hs_content: 'Too slow.' });
    expect(sandbox.data.surveyIdsOfContact(PORTAL_A, contactId)).toEqual([...before, created.id]);
    await sandbox.webhooks.settled();
    expect(receiver.requests).toHaveLength(0);
    const found = await post('/crm/v3/objects/feedback_submissions/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_createdate', operator: 'GTE', value: String(Date.parse(created.createdAt)) }] }],
      properties: ['hs_value'],
    });
    expect(found.body.results.map((r: { id: string }) => r.id)).toContain(created.id);
  });

  it('answers 403 MISSING_SCOPES without the feedback-submissions scope, on objects and associations alike', async () => {
    const { accessToken } = sandbox.tokens.issue(
      PORTAL_A,
      TEST_APP.scopes.filter((s) => s !== 'crm.objects.feedback_submissions.read'),
    );
    for (const res of [
      await api('/crm/v3/objects/feedback_submissions', {}, accessToken),
      await post('/crm/v4/associations/contacts/feedback_submissions/batch/read', { inputs: [{ id: '1001' }] }, accessToken),
    ]) {
      expect(res.status).toBe(403);
      expect(hubspotError.parse(res.body).category).toBe('MISSING_SCOPES');
      expect(res.body.errors[0].context.requiredGranularScopes).toEqual(['crm.objects.feedback_submissions.read']);
    }
    expect((await api('/crm/v3/objects/companies', {}, accessToken)).status).toBe(200);
  });

  it('never grants the feedback-submissions scope in a portal whose edition has no surveys', async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_B);
    expect((await api('/crm/v3/objects/feedback_submissions', {}, accessToken)).status).toBe(403);
    expect((await api('/crm/v3/objects/companies', {}, accessToken)).status).toBe(200);
  });
});

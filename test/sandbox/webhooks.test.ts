import { Client, Signature } from '@hubspot/api-client';
import type { DeliveryLog, Sandbox, WebhookEvent } from '../../src/sandbox';
import { genericWebhookEvent, legacyWebhookEvent, webhookEvent } from '../support/sandbox-schemas';
import { PORTAL_A, TEST_APP, startTestSandbox } from '../support/sandbox-harness';
import { startReceiver, type Receiver } from '../support/sandbox-receiver';

let sandbox: Sandbox;
let receiver: Receiver;
let seen = 0;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startTestSandbox({
    app: { targetBaseUrl: receiver.baseUrl },
    portals: [{ portalId: PORTAL_A, contacts: 300, seed: 21 }],
    webhooks: { enabled: true, flushMs: 5, retryDelaysMs: [10, 20, 30], timeoutMs: 700 },
  });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(() => {
  seen = sandbox.webhooks.deliveries().length;
  receiver.requests.length = 0;
  sandbox.webhooks.setMode({});
});

async function delivered(): Promise<{ deliveries: DeliveryLog[]; events: WebhookEvent[] }> {
  await sandbox.webhooks.settled();
  const deliveries = sandbox.webhooks.deliveries().slice(seen);
  seen += deliveries.length;
  const events = deliveries.filter((d) => d.ok).flatMap((d) => d.events);
  // Every payload the sandbox sends must have exactly the documented shape of its dialect.
  const dialect = sandbox.webhooks.mode().dialect === 'generic' ? genericWebhookEvent : legacyWebhookEvent;
  for (const e of events) dialect.parse(e);
  return { deliveries, events };
}

function receivedEvents(): WebhookEvent[] {
  return receiver.requests.flatMap((r) => JSON.parse(r.rawBody) as WebhookEvent[]);
}

describe('webhook deliveries', () => {
  it('posts HubSpot-shaped event arrays signed v1 and v3, verifiable with the SDK', async () => {
    sandbox.data.updateContact(PORTAL_A, '1001', { jobtitle: 'Data Analyst II' });
    await delivered();
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0];
    expect(req.url).toBe(`${receiver.baseUrl}/webhooks/hubspot`);
    expect(req.headers['x-hubspot-signature-version']).toBe('v1');
    expect(
      Signature.isValid({
        signatureVersion: 'v1',
        signature: req.headers['x-hubspot-signature'],
        clientSecret: TEST_APP.clientSecret,
        requestBody: req.rawBody,
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: req.headers['x-hubspot-signature-v3'],
        clientSecret: TEST_APP.clientSecret,
        requestBody: req.rawBody,
        url: req.url,
        method: 'POST',
        timestamp: Number(req.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signatureVersion: 'v1',
        signature: req.headers['x-hubspot-signature'],
        clientSecret: TEST_APP.clientSecret,
        requestBody: `${req.rawBody} `,
      }),
    ).toBe(false);
    const [event] = JSON.parse(req.rawBody) as unknown[];
    expect(webhookEvent.parse(event)).toMatchObject({
      subscriptionType: 'contact.propertyChange',
      objectId: 1001,
      portalId: PORTAL_A,
      appId: TEST_APP.appId,
      propertyName: 'jobtitle',
      propertyValue: 'Data Analyst II',
      changeSource: 'CRM',
      sourceId: 'userId:7000001',
      attemptNumber: 0,
    });
  });

  it("reports the app's own API writes with changeSource INTEGRATION and the app id, and nothing for no-op writes", async () => {
    const { accessToken } = sandbox.tokens.issue(PORTAL_A);
    const client = new Client({ accessToken, basePath: sandbox.baseUrl });
    await client.crm.contacts.basicApi.update('1002', { properties: { jobtitle: 'Platform Engineer', firstname: 'Ada' } });
    await client.crm.contacts.batchApi.update({ inputs: [{ id: '1003', properties: { jobtitle: 'Growth Marketer' } }] });
    const current = sandbox.data.getContact(PORTAL_A, '1004')!.properties.jobtitle;
    await client.crm.contacts.basicApi.update('1004', { properties: { jobtitle: current ?? '' } });
    const { events } = await delivered();
    expect(events.map((e) => [e.objectId, e.propertyName, e.propertyValue]).sort()).toEqual(
      [
        [1002, 'firstname', 'Ada'],
        [1002, 'jobtitle', 'Platform Engineer'],
        [1003, 'jobtitle', 'Growth Marketer'],
      ].sort(),
    );
    for (const e of events) expect(e).toMatchObject({ changeSource: 'INTEGRATION', sourceId: String(TEST_APP.appId) });
  });

  it('sends both privacyDeletion and deletion for a GDPR delete, and the contact cannot come back', async () => {
    sandbox.data.privacyDelete(PORTAL_A, '1010');
    const { events } = await delivered();
    expect(events.map((e) => e.subscriptionType).sort()).toEqual(['contact.deletion', 'contact.privacyDeletion']);
    expect(sandbox.data.getContact(PORTAL_A, '1010')).toBeUndefined();
    expect(() => sandbox.data.restoreContact(PORTAL_A, '1010')).toThrow();
  });

  it('restores a deleted contact with a restore event', async () => {
    sandbox.data.deleteContact(PORTAL_A, '1011');
    expect(sandbox.data.getContact(PORTAL_A, '1011')).toBeUndefined();
    sandbox.data.restoreContact(PORTAL_A, '1011');
    const { events } = await delivered();
    expect(events.map((e) => e.subscriptionType)).toEqual(['contact.deletion', 'contact.restore']);
    expect(sandbox.data.getContact(PORTAL_A, '1011')).toBeDefined();
  });

  it("describes a merge with HubSpot's merge fields and moves the tickets to the primary", async () => {
    const primaryTickets = sandbox.data.ticketIdsOfContact(PORTAL_A, '1020');
    const mergedTickets = sandbox.data.ticketIdsOfContact(PORTAL_A, '1021');
    sandbox.data.mergeContacts(PORTAL_A, '1020', '1021');
    const { events } = await delivered();
    expect(events).toHaveLength(1);
    expect(webhookEvent.parse(events[0])).toMatchObject({
      subscriptionType: 'contact.merge',
      objectId: 1020,
      primaryObjectId: 1020,
      mergedObjectIds: [1021],
      newObjectId: 1020,
    });
    expect(typeof events[0].numberOfPropertiesMoved).toBe('number');
    expect(sandbox.data.ticketIdsOfContact(PORTAL_A, '1020').sort()).toEqual([...primaryTickets, ...mergedTickets].sort());
    expect(sandbox.data.getContact(PORTAL_A, '1021')).toBeUndefined();
  });

  it('announces new tickets and association changes from both sides, with the documented fields and no objectId', async () => {
    const ticket = sandbox.data.createTicket(
      PORTAL_A,
      { subject: 'Cannot log in', hs_ticket_category: 'PRODUCT_ISSUE', hs_ticket_priority: 'HIGH' },
      ['1030'],
    );
    sandbox.data.updateTicket(PORTAL_A, ticket.id, { hs_pipeline_stage: '2' });
    sandbox.data.unassociate(PORTAL_A, '1030', ticket.id);
    const { events } = await delivered();
    const types = events.map((e) => e.subscriptionType);
    expect(types).toEqual(
      expect.arrayContaining(['ticket.creation', 'ticket.propertyChange', 'contact.associationChange', 'ticket.associationChange']),
    );
    const assoc = events.filter((e) => e.subscriptionType.endsWith('.associationChange'));
    const tid = Number(ticket.id);
    expect(
      assoc.map((e) => [e.subscriptionType, e.associationType, e.fromObjectId, e.toObjectId, e.associationRemoved, e.isPrimaryAssociation]),
    ).toEqual([
      ['contact.associationChange', 'CONTACT_TO_TICKET', 1030, tid, false, false],
      ['ticket.associationChange', 'TICKET_TO_CONTACT', tid, 1030, false, false],
      ['contact.associationChange', 'CONTACT_TO_TICKET', 1030, tid, true, false],
      ['ticket.associationChange', 'TICKET_TO_CONTACT', tid, 1030, true, false],
    ]);
    for (const e of assoc) expect(e).not.toHaveProperty('objectId');
  });

  it('speaks the generic dialect when asked: object.* with objectTypeId, association changes without it', async () => {
    sandbox.webhooks.setMode({ dialect: 'generic' });
    sandbox.data.updateContact(PORTAL_A, '1031', { jobtitle: 'Generic Engineer' });
    const ticket = sandbox.data.createTicket(PORTAL_A, { subject: 'Generic' }, ['1031']);
    sandbox.data.mergeContacts(PORTAL_A, '1031', '1032');
    sandbox.data.privacyDelete(PORTAL_A, '1033');
    const { events } = await delivered();
    expect(events.find((e) => e.propertyName === 'jobtitle')).toMatchObject({
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-1',
      objectId: 1031,
    });
    expect(events.find((e) => e.subscriptionType === 'object.creation')).toMatchObject({
      objectTypeId: '0-5',
      objectId: Number(ticket.id),
    });
    expect(events.filter((e) => e.subscriptionType === 'object.associationChange').map((e) => e.associationType)).toEqual([
      'CONTACT_TO_TICKET',
      'TICKET_TO_CONTACT',
    ]);
    expect(events.find((e) => e.subscriptionType === 'object.merge')).toMatchObject({
      objectTypeId: '0-1',
      primaryObjectId: 1031,
      mergedObjectIds: [1032],
    });
    expect(
      events
        .filter((e) => e.objectId === 1033)
        .map((e) => e.subscriptionType)
        .sort(),
    ).toEqual(['contact.privacyDeletion', 'object.deletion']);
  });

  it('has a contract schema that refuses undocumented convenience fields', () => {
    const base = { eventId: 1, subscriptionId: 2, portalId: 3, appId: 4, occurredAt: 5, attemptNumber: 0 };
    const assoc = {
      ...base,
      subscriptionType: 'contact.associationChange',
      associationType: 'CONTACT_TO_TICKET',
      fromObjectId: 1,
      toObjectId: 2,
      associationRemoved: false,
      isPrimaryAssociation: false,
    };
    expect(webhookEvent.safeParse(assoc).success).toBe(true);
    expect(webhookEvent.safeParse({ ...assoc, objectId: 1 }).success).toBe(false);
    expect(webhookEvent.safeParse({ ...assoc, isPrimaryAssociation: undefined }).success).toBe(false);
    expect(genericWebhookEvent.safeParse({ ...base, subscriptionType: 'object.creation', objectId: 9 }).success).toBe(false);
  });

  it('batches at most 100 events per request', async () => {
    for (let i = 0; i < 250; i++) sandbox.data.updateContact(PORTAL_A, String(1050 + (i % 200)), { firstname: `Name${i}` });
    await delivered();
    const sizes = receiver.requests.map((r) => (JSON.parse(r.rawBody) as unknown[]).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
    expect(new Set(receivedEvents().map((e) => e.eventId)).size).toBe(250);
  });
});

describe('delivery failures', () => {
  it('retries a batch answered with 5xx or 4xx, counting attemptNumber up and keeping the event ids', async () => {
    receiver.respondWith([500, 404]);
    sandbox.data.updateContact(PORTAL_A, '1100', { jobtitle: 'Retry Me' });
    const { deliveries } = await delivered();
    expect(deliveries.map((d) => [d.attemptNumber, d.status, d.ok])).toEqual([
      [0, 500, false],
      [1, 404, false],
      [2, 200, true],
    ]);
    const bodies = receiver.requests.map((r) => JSON.parse(r.rawBody) as WebhookEvent[]);
    expect(bodies.map((b) => b[0].attemptNumber)).toEqual([0, 1, 2]);
    expect(new Set(bodies.map((b) => b[0].eventId)).size).toBe(1);
    for (const r of receiver.requests) {
      expect(
        Signature.isValid({
          signatureVersion: 'v1',
          signature: r.headers['x-hubspot-signature'],
          clientSecret: TEST_APP.clientSecret,
          requestBody: r.rawBody,
        }),
      ).toBe(true);
    }
  });

  it('retries when the app answers slower than the timeout', async () => {
    receiver.delayNext(1, 1_500);
    sandbox.data.updateContact(PORTAL_A, '1101', { jobtitle: 'Slow Poke' });
    const { deliveries } = await delivered();
    expect(deliveries[0]).toMatchObject({ attemptNumber: 0, ok: false, status: null });
    expect(deliveries[0].error).toMatch(/timeout/);
    expect(deliveries[deliveries.length - 1]).toMatchObject({ ok: true });
  });

  it('gives up after the configured retries', async () => {
    receiver.respondWith([503, 503, 503, 503]);
    sandbox.data.updateContact(PORTAL_A, '1102', { jobtitle: 'Never Delivered' });
    const { deliveries } = await delivered();
    expect(deliveries.map((d) => d.attemptNumber)).toEqual([0, 1, 2, 3]);
    expect(deliveries.every((d) => !d.ok)).toBe(true);
    expect(deliveries[3].willRetry).toBe(false);
  });
});

describe('delivery modes', () => {
  it('delivers duplicates in separate requests when asked', async () => {
    sandbox.webhooks.setMode({ duplicates: 1 });
    sandbox.data.updateContact(PORTAL_A, '1110', { jobtitle: 'Twice' });
    sandbox.data.updateContact(PORTAL_A, '1111', { jobtitle: 'Twice Too' });
    await delivered();
    const ids = receivedEvents().map((e) => e.eventId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(2);
    for (const r of receiver.requests) {
      const batch = JSON.parse(r.rawBody) as WebhookEvent[];
      expect(new Set(batch.map((e) => e.eventId)).size).toBe(batch.length);
    }
  });

  it('delivers events out of order when asked', async () => {
    sandbox.webhooks.setMode({ outOfOrder: true });
    for (let i = 0; i < 5; i++) sandbox.data.updateContact(PORTAL_A, String(1120 + i), { jobtitle: `Order ${i}` });
    await delivered();
    const ids = receivedEvents().map((e) => e.objectId);
    expect(ids).toEqual([1124, 1123, 1122, 1121, 1120]);
  });
});

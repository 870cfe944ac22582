import { compileRuleSet, validateRuleSet } from '../../src/personas/engine';
import { openStorage, type Storage } from '../../src/storage/connect';
import { createStores, type Stores } from '../../src/storage/stores';
import type { Sandbox } from '../../src/sandbox';
import { PORTAL_A as P, startTestSandbox } from '../support/sandbox-harness';
import { APP_ID, buildStack, DEFAULT_RULE_SET, installPortal, intakeApp, listenLoopback, type Stack } from './support/webhook-stack';

/**
 * The sandbox portal delivers signed webhooks (batched, retried, with duplicates and reordering on
 * demand) to the intake route; the worker drains the inbox through the real sync service.
 */

const validation = validateRuleSet(DEFAULT_RULE_SET);
if (!validation.ok) throw new Error('default rule set invalid');
const compiled = compileRuleSet(validation.ruleSet);

jest.setTimeout(30_000);

describe('webhooks from the sandbox portal', () => {
  let storage: Storage;
  let stores: Stores;
  let sandbox: Sandbox;
  let stack: Stack;
  let intake: Awaited<ReturnType<typeof listenLoopback>>;
  let ids: string[];
  let nextContact = 0;
  const take = () => ids[nextContact++]!;

  beforeAll(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
    intake = await listenLoopback(); // listening first: the sandbox needs its URL, the route needs the sandbox's
    sandbox = await startTestSandbox({
      app: { targetBaseUrl: intake.baseUrl },
      portals: [{ portalId: P, contacts: 60, seed: 11 }],
      webhooks: { enabled: true, flushMs: 10, retryDelaysMs: [50, 100, 200, 400] },
      rateLimit: { enabled: false },
    });
    stack = await buildStack({
      databaseUrl: 'sqlite::memory:',
      storage,
      hubspotBaseUrl: sandbox.baseUrl,
      appBaseUrl: intake.baseUrl,
      issueToken: () => sandbox.tokens.issue(P).accessToken,
    });
    intake.mount(intakeApp(stack.router));
    await installPortal(stack, P);
    await stack.worker.start();
    await settle();
    ids = await stores.crm.listContactIds(P, null, 1000);
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
    await intake?.close();
    await storage?.close();
  });

  /** Until HubSpot has nothing left to send and the inbox is drained (write-backs cause more webhooks). */
  async function settle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      await sandbox.webhooks.settled();
      const lastDelivery = sandbox.webhooks.deliveries().at(-1)?.deliveryId ?? 0;
      await waitFor(async () => {
        const b = await stores.inbox.backlog();
        return b.pending === 0 && b.processing === 0;
      });
      await sandbox.webhooks.flush();
      if ((sandbox.webhooks.deliveries().at(-1)?.deliveryId ?? 0) === lastDelivery) return;
    }
    throw new Error('webhooks did not settle');
  }

  const refreshCount = (from: number, contactId: string) =>
    stack.refreshed
      .slice(from)
      .flat()
      .filter((id) => id === contactId).length;
  const personaInHubSpot = (contactId: string) => sandbox.data.getContact(P, contactId)?.properties.persona ?? null;
  function expectedPersona(contactId: string): string {
    const contact = sandbox.data.getContact(P, contactId)!;
    const tickets = sandbox.data.ticketIdsOfContact(P, contactId).map((t) => ({ properties: sandbox.data.getTicket(P, t)!.properties }));
    return compiled.assign({ properties: contact.properties, tickets }, Date.now()).personaId;
  }

  it('wrote every contact at install, and those writes came back as webhooks that caused no work', async () => {
    const ownEvents = sandbox.webhooks
      .deliveries()
      .flatMap((d) => d.events)
      .filter((e) => e.changeSource === 'INTEGRATION' && e.sourceId === String(APP_ID));
    expect(ownEvents.length).toBeGreaterThanOrEqual(ids.length);
    expect(stack.refreshed).toEqual([]);
    expect(await stores.inbox.backlog()).toMatchObject({ pending: 0, processing: 0, failed: 0 });
  });

  it('moves the persona when a property the rules read changes, with one refresh and no feedback loop', async () => {
    const c = ids.find((id) => personaInHubSpot(id) !== 'not_a_fit' && ids.indexOf(id) >= nextContact)!;
    nextContact = ids.indexOf(c) + 1;
    const before = stack.refreshed.length;
    sandbox.data.updateContact(P, c, { jobtitle: 'Student' });
    await settle();
    expect(personaInHubSpot(c)).toBe('not_a_fit');
    expect(refreshCount(before, c)).toBe(1);
    const history = await stores.assignments.history(P, { contactId: c, limit: 10 });
    expect(history.filter((h) => h.toPersona === 'not_a_fit')).toHaveLength(1);
  });

  it('does no work for a change of a property the rules do not read', async () => {
    const c = take();
    const before = stack.refreshed.length;
    sandbox.data.updateContact(P, c, { firstname: 'Renamed' });
    await settle();
    expect(refreshCount(before, c)).toBe(0);
  });

  it('ends where HubSpot is after a burst delivered with duplicates and out of order, coalescing the refreshes', async () => {
    const burst = Array.from({ length: 10 }, take);
    const before = stack.refreshed.length;
    sandbox.webhooks.setMode({ duplicates: 0.5, outOfOrder: true });
    try {
      const titles = ['Data analyst', 'VP Operations', 'Support lead', 'Software engineer', 'Marketing manager'];
      for (let round = 0; round < titles.length; round++) {
        burst.forEach((c, i) => sandbox.data.updateContact(P, c, { jobtitle: titles[(round + i) % titles.length] }));
      }
      await settle();
    } finally {
      sandbox.webhooks.setMode({});
    }
    for (const c of burst) expect(personaInHubSpot(c)).toBe(expectedPersona(c));
    const refreshes = burst.reduce((n, c) => n + refreshCount(before, c), 0);
    expect(refreshes).toBeGreaterThanOrEqual(burst.length);
    expect(refreshes).toBeLessThan(burst.length * 5); // 50 edits (plus duplicates) never mean 50 refreshes
    expect((await stores.inbox.backlog()).failed).toBe(0);
  });

  it('purges everything stored about a deleted contact', async () => {
    const c = take();
    await stores.audit.append({ portalId: P, actor: 'admin', action: 'override.clear', target: `contact:${c}`, diff: {}, at: Date.now() });
    expect(await stores.assignments.get(P, c)).not.toBeNull();
    sandbox.data.deleteContact(P, c);
    await settle();
    expect(await stores.crm.getContact(P, c)).toBeNull();
    expect(await stores.assignments.get(P, c)).toBeNull();
    expect(await stores.assignments.history(P, { contactId: c, limit: 10 })).toEqual([]);
    expect((await stores.audit.list(P, { limit: 1000 })).filter((a) => a.target === `contact:${c}`)).toEqual([]);
  });

  it('purges a privacy-deleted contact, whose deletion HubSpot reports twice', async () => {
    const c = take();
    sandbox.data.privacyDelete(P, c);
    await settle();
    expect(await stores.crm.getContact(P, c)).toBeNull();
    expect(await stores.assignments.get(P, c)).toBeNull();
    expect(await stores.assignments.history(P, { contactId: c, limit: 10 })).toEqual([]);
  });

  it('brings a restored contact back', async () => {
    const c = take();
    sandbox.data.deleteContact(P, c);
    await settle();
    expect(await stores.crm.getContact(P, c)).toBeNull();
    sandbox.data.restoreContact(P, c);
    await settle();
    expect(await stores.crm.getContact(P, c)).not.toBeNull();
    expect((await stores.assignments.get(P, c))?.personaId).toBe(expectedPersona(c));
  });

  it('keeps a contact that was deleted and restored before the worker saw either event', async () => {
    const c = take();
    sandbox.data.deleteContact(P, c);
    sandbox.data.restoreContact(P, c);
    await settle();
    expect(await stores.crm.getContact(P, c)).not.toBeNull();
  });

  it('rescores the surviving contact of a merge, with the tickets it inherited, and removes the merged one', async () => {
    const [primary, merged] = [take(), take()];
    sandbox.data.mergeContacts(P, primary, merged);
    await settle();
    expect(await stores.crm.getContact(P, merged)).toBeNull();
    expect(await stores.assignments.get(P, merged)).toBeNull();
    const stored = await stores.crm.getContactsWithTickets(P, [primary]);
    expect(
      stored
        .get(primary)!
        .tickets.map((t) => t.id)
        .sort(),
    ).toEqual(sandbox.data.ticketIdsOfContact(P, primary).sort());
    expect((await stores.assignments.get(P, primary))?.personaId).toBe(expectedPersona(primary));
  });

  it('rescores a contact when a ticket is linked to it and when it is unlinked', async () => {
    const c = take();
    const ticket = sandbox.data.createTicket(P, { subject: 'Invoice is wrong', hs_ticket_category: 'BILLING_ISSUE' }, [c]);
    await settle();
    expect(await stores.crm.contactIdsOfTicket(P, ticket.id)).toEqual([c]);
    sandbox.data.unassociate(P, c, ticket.id);
    await settle();
    expect(await stores.crm.contactIdsOfTicket(P, ticket.id)).toEqual([]);
    expect(personaInHubSpot(c)).toBe(expectedPersona(c));
  });

  it('does the same from generic object.* payloads: links, unlinks and merges, with no objectId on link changes', async () => {
    sandbox.webhooks.setMode({ dialect: 'generic' });
    try {
      const [c, primary, merged] = [take(), take(), take()];
      const ticket = sandbox.data.createTicket(P, { subject: 'Generic billing', hs_ticket_category: 'BILLING_ISSUE' }, []);
      await settle();
      const before = stack.refreshed.length;
      sandbox.data.associate(P, c, ticket.id);
      await settle();
      expect(await stores.crm.contactIdsOfTicket(P, ticket.id)).toEqual([c]);
      expect(refreshCount(before, c)).toBeGreaterThanOrEqual(1);
      sandbox.data.unassociate(P, c, ticket.id);
      await settle();
      expect(await stores.crm.contactIdsOfTicket(P, ticket.id)).toEqual([]);
      sandbox.data.mergeContacts(P, primary, merged);
      await settle();
      expect(await stores.crm.getContact(P, merged)).toBeNull();
      expect((await stores.assignments.get(P, primary))?.personaId).toBe(expectedPersona(primary));
    } finally {
      sandbox.webhooks.setMode({});
    }
  });

  it('keeps a persona set by a rep as a manual override until the rep empties it', async () => {
    const c = ids.slice(nextContact).find((id) => expectedPersona(id) !== 'developer')!;
    nextContact = ids.indexOf(c) + 1;
    sandbox.data.updateContact(P, c, { persona: 'developer' });
    await settle();
    const overridden = (await stores.assignments.get(P, c))!;
    expect(overridden.override).toMatchObject({ persona: 'developer', by: expect.stringContaining('userId:') });

    // The rules now say something else; the rep's value stays.
    sandbox.data.updateContact(P, c, { jobtitle: 'Student' });
    await settle();
    expect(personaInHubSpot(c)).toBe('developer');
    expect((await stores.assignments.get(P, c))!.personaId).toBe('not_a_fit');

    sandbox.data.updateContact(P, c, { persona: '' });
    await settle();
    expect((await stores.assignments.get(P, c))!.override).toBeNull();
    expect(personaInHubSpot(c)).toBe('not_a_fit');
  });

  it('refuses deliveries signed with another secret, stores nothing, and HubSpot retries them', async () => {
    const impostor = await startTestSandbox({
      app: { targetBaseUrl: intake.baseUrl, clientSecret: 'not-our-client-secret' },
      portals: [{ portalId: P, contacts: 5, seed: 3 }],
      webhooks: { enabled: true, flushMs: 10, retryDelaysMs: [20] },
      rateLimit: { enabled: false },
    });
    try {
      const before = await stores.inbox.backlog();
      const someone = impostor.data.createContact(P, { email: 'impostor@example.com' }).id;
      impostor.data.updateContact(P, someone, { jobtitle: 'Student' });
      await impostor.webhooks.settled();
      const deliveries = impostor.webhooks.deliveries();
      expect(deliveries.length).toBeGreaterThan(1);
      expect(deliveries.every((d) => d.status === 401)).toBe(true);
      expect(deliveries.some((d) => d.attemptNumber === 1)).toBe(true);
      expect(await stores.inbox.backlog()).toEqual(before);
    } finally {
      await impostor.close();
    }
  });

  it('leaves nothing failed or unprocessed in the inbox', async () => {
    expect(await stores.inbox.backlog()).toMatchObject({ pending: 0, processing: 0, failed: 0 });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

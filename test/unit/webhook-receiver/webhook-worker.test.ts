import { fixedClock } from '../../../src/platform/clock';
import { silentLogger } from '../../../src/platform/logger';
import type { Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { dedupeKeyOf, type WebhookEvent } from '../../../src/webhook-receiver/webhook-event';
import { WebhookWorker, type ContactRefresher, type WebhookWorkerOptions } from '../../../src/webhook-receiver/webhook-worker';
import { engines } from '../../support/databases';

const APP_ID = 424242;
const P = 555;
const T = Date.UTC(2026, 10, 28, 12);
const RULES = {
  contactProperties: ['jobtitle', 'lifecyclestage'],
  ticketProperties: ['hs_ticket_category', 'createdate'],
  ruleSet: { property: { name: 'persona' } },
};

/** Records what the worker asks for; can be told to fail. */
class FakeRefresher implements ContactRefresher {
  contactCalls: string[][] = [];
  ticketCalls: string[][] = [];
  failures = 0;
  async refreshContacts(_portalId: number, ids: readonly string[]) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('HubSpot answered 503');
    }
    this.contactCalls.push([...ids]);
  }
  async refreshTickets(_portalId: number, ids: readonly string[]) {
    this.ticketCalls.push([...ids]);
  }
  get refreshedContacts() {
    return this.contactCalls.flat().sort();
  }
}

let nextEventId = 1;
function ev(subscriptionType: string, objectId: number, at: number, extra: Partial<WebhookEvent> = {}): WebhookEvent {
  return { eventId: nextEventId++, portalId: P, occurredAt: at, subscriptionType, objectId, ...extra };
}
const change = (objectId: number, at: number, propertyName: string, propertyValue: string, extra: Partial<WebhookEvent> = {}) =>
  ev('contact.propertyChange', objectId, at, { propertyName, propertyValue, changeSource: 'CRM', sourceId: 'userId:7', ...extra });

describe.each(engines)('the webhook worker on %s', (_engine, open) => {
  let storage: Storage;
  let stores: Stores;
  let refresher: FakeRefresher;
  const clock = fixedClock(T + 60_000);

  const worker = (options: WebhookWorkerOptions = {}) =>
    new WebhookWorker({
      inbox: stores.inbox,
      crm: stores.crm,
      assignments: stores.assignments,
      refresher,
      rules: { live: async () => RULES },
      appId: APP_ID,
      clock,
      logger: silentLogger,
      options: { staleAfterMs: 0, ...options },
    });
  const receive = (events: WebhookEvent[]) =>
    stores.inbox.enqueue(
      events.map((e) => ({ portalId: e.portalId, dedupeKey: dedupeKeyOf(e), event: e, occurredAt: e.occurredAt })),
      clock.now(),
    );

  async function seedContact(id: string, persona = 'explorer', options: { written?: string; hsUpdatedAt?: number } = {}) {
    await stores.crm.upsertContacts(
      P,
      [
        {
          id,
          email: `${id}@example.com`,
          properties: { jobtitle: 'Analyst' },
          hsUpdatedAt: options.hsUpdatedAt ?? T - 1000,
          archived: false,
        },
      ],
      T,
    );
    await stores.crm.upsertTickets(
      P,
      [{ id: `t${id}`, properties: { hs_ticket_category: 'ONBOARDING' }, createdAt: T, hsUpdatedAt: T }],
      T,
    );
    await stores.crm.link(P, [{ contactId: id, ticketId: `t${id}` }]);
    await stores.assignments.saveComputed(
      P,
      [
        {
          contactId: id,
          personaId: persona,
          score: 50,
          secondary: [],
          journeyStage: 'awareness',
          explanation: {},
          ruleSetVersion: 1,
          needsWrite: true,
        },
      ],
      'sync',
      T,
    );
    if (options.written)
      await stores.assignments.markWritten(P, [{ contactId: id, values: { persona: options.written, secondary: '', score: '50' } }], T);
    await stores.audit.append({ portalId: P, actor: 'admin', action: 'override.clear', target: `contact:${id}`, diff: {}, at: T });
  }

  beforeEach(async () => {
    storage = await open();
    stores = createStores(storage);
    refresher = new FakeRefresher();
    clock.set(T + 60_000);
  });
  afterEach(() => storage.close());

  it('refreshes each changed contact once however many events name it, and completes the events', async () => {
    await receive([
      ...Array.from({ length: 30 }, (_, i) => change(1, T + i, 'jobtitle', `v${i}`)),
      change(2, T, 'lifecyclestage', 'lead'),
      change(3, T, 'phone', '555'),
    ]);
    const report = await worker().drainOnce();
    expect(report).toEqual({ claimed: 32, completed: 32, failed: 0 });
    expect(refresher.contactCalls).toEqual([['1', '2']]);
    expect(await stores.inbox.backlog()).toMatchObject({ pending: 0, processing: 0, failed: 0 });
  });

  it('asks for contacts in chunks of one HubSpot batch read', async () => {
    await receive(Array.from({ length: 250 }, (_, i) => change(1000 + i, T, 'jobtitle', 'x')));
    await worker({ refreshChunk: 100 }).drainOnce();
    expect(refresher.contactCalls.map((c) => c.length)).toEqual([100, 100, 50]);
  });

  it('purges everything stored about a deleted contact: record, links, assignment, history and audit entries', async () => {
    await seedContact('1');
    await seedContact('2');
    await receive([ev('contact.deletion', 1, T)]);
    await worker().drainOnce();
    expect(await stores.crm.getContact(P, '1')).toBeNull();
    expect(await stores.crm.contactIdsOfTicket(P, 't1')).toEqual([]);
    expect(await stores.assignments.get(P, '1')).toBeNull();
    expect(await stores.assignments.history(P, { contactId: '1', limit: 10 })).toEqual([]);
    expect((await stores.audit.list(P, { limit: 10 })).map((a) => a.target)).toEqual(['contact:2']);
    expect(await stores.crm.getContact(P, '2')).not.toBeNull();
    expect(refresher.contactCalls).toEqual([]);
  });

  it('purges a privacy-deleted contact even though HubSpot also sends a plain deletion', async () => {
    await seedContact('1');
    await receive([ev('contact.deletion', 1, T), ev('contact.privacyDeletion', 1, T)]);
    await worker().drainOnce();
    expect(await stores.crm.getContact(P, '1')).toBeNull();
    expect(await stores.assignments.get(P, '1')).toBeNull();
  });

  it('keeps a contact whose deletion arrives after HubSpot already showed it changed again (restored)', async () => {
    await seedContact('1', 'explorer', { hsUpdatedAt: T + 5000 });
    await receive([ev('contact.deletion', 1, T)]);
    await worker().drainOnce();
    expect(await stores.crm.getContact(P, '1')).not.toBeNull();
  });

  it('brings back a contact restored after its deletion by refreshing it', async () => {
    await seedContact('1');
    await receive([ev('contact.restore', 1, T + 10), ev('contact.deletion', 1, T)]);
    await worker().drainOnce();
    expect(await stores.crm.getContact(P, '1')).not.toBeNull();
    expect(refresher.refreshedContacts).toEqual(['1']);
  });

  it('rescores the survivor of a merge and removes the merged contact', async () => {
    await seedContact('1');
    await seedContact('2');
    await receive([ev('contact.merge', 1, T, { primaryObjectId: 1, mergedObjectIds: [2], newObjectId: 1 })]);
    await worker().drainOnce();
    expect(await stores.crm.getContact(P, '2')).toBeNull();
    expect(await stores.assignments.get(P, '2')).toBeNull();
    expect(refresher.refreshedContacts).toEqual(['1']);
  });

  it('rescores the contacts of a deleted ticket and forgets the ticket', async () => {
    await seedContact('1');
    await receive([ev('ticket.deletion', 777, T)]);
    await stores.crm.link(P, [{ contactId: '1', ticketId: '777' }]);
    await worker().drainOnce();
    expect(await stores.crm.contactIdsOfTicket(P, '777')).toEqual([]);
    expect(refresher.refreshedContacts).toEqual(['1']);
  });

  it('refreshes tickets that were created or changed in a property the rules read', async () => {
    await receive([
      ev('ticket.creation', 50, T),
      ev('ticket.propertyChange', 51, T, { propertyName: 'hs_ticket_category', propertyValue: 'X' }),
    ]);
    await worker().drainOnce();
    expect(refresher.ticketCalls).toEqual([['50', '51']]);
  });

  it("does no work for the app's own writes", async () => {
    await seedContact('1', 'explorer', { written: 'explorer' });
    const own = { changeSource: 'INTEGRATION', sourceId: String(APP_ID) };
    await receive([
      change(1, T, 'persona', 'explorer', own),
      change(1, T, 'persona_score', '50', own),
      change(1, T + 1, 'persona', 'explorer', { changeSource: 'API', sourceId: undefined }),
    ]);
    const report = await worker().drainOnce();
    expect(report.completed).toBe(3);
    expect(refresher.contactCalls).toEqual([]);
    expect((await stores.assignments.get(P, '1'))!.override).toBeNull();
  });

  it('keeps a persona set by someone else as a manual override, with who and when', async () => {
    await seedContact('1', 'explorer', { written: 'explorer' });
    await receive([change(1, T + 5, 'persona', 'analyst')]);
    await worker().drainOnce();
    const stored = (await stores.assignments.get(P, '1'))!;
    expect(stored.override).toEqual({ persona: 'analyst', by: 'CRM userId:7', at: T + 5 });
    expect(stored.hubspotPersona).toBe('analyst');
    expect(stored.personaId).toBe('explorer');
  });

  it('does not let an older manual change replace a newer override', async () => {
    await seedContact('1', 'explorer', { written: 'explorer' });
    await receive([change(1, T + 5, 'persona', 'analyst')]);
    await worker().drainOnce();
    await receive([change(1, T + 1, 'persona', 'champion')]);
    await worker().drainOnce();
    expect((await stores.assignments.get(P, '1'))!.override?.persona).toBe('analyst');
  });

  it('does not let an emptying older than the override clear it', async () => {
    await seedContact('1', 'explorer', { written: 'explorer' });
    await stores.assignments.setOverride(P, '1', { persona: 'analyst', by: 'CRM userId:7', at: T + 10 });
    await receive([change(1, T + 5, 'persona', '')]);
    await worker().drainOnce();
    expect((await stores.assignments.get(P, '1'))!.override?.persona).toBe('analyst');
  });

  it('clears the override when the property is emptied, and rescores so the app writes again', async () => {
    await seedContact('1', 'explorer', { written: 'explorer' });
    await stores.assignments.setOverride(P, '1', { persona: 'analyst', by: 'CRM userId:7', at: T });
    await receive([change(1, T + 5, 'persona', '')]);
    await worker().drainOnce();
    expect((await stores.assignments.get(P, '1'))!.override).toBeNull();
    expect(refresher.refreshedContacts).toEqual(['1']);
  });

  it('leaves a persona change of a never-scored contact to the refresh, which sees the value in HubSpot', async () => {
    await receive([change(9, T, 'persona', 'analyst')]);
    await worker().drainOnce();
    expect(refresher.refreshedContacts).toEqual(['9']);
  });

  it('retries failed events after a backoff and parks them after too many attempts', async () => {
    await receive([change(1, T, 'jobtitle', 'x')]);
    refresher.failures = 100;
    const w = worker({ retryBaseMs: 1000 });
    expect(await w.drainOnce()).toEqual({ claimed: 1, completed: 0, failed: 1 });
    expect(await w.drainOnce()).toEqual({ claimed: 0, completed: 0, failed: 0 });
    for (let attempt = 2; attempt <= 8; attempt++) {
      clock.advance(10 * 60_000);
      expect((await w.drainOnce()).failed).toBe(1);
    }
    expect(await stores.inbox.backlog()).toMatchObject({ pending: 0, failed: 1 });
  });

  it('succeeds on a retry once HubSpot recovers', async () => {
    await receive([change(1, T, 'jobtitle', 'x')]);
    refresher.failures = 1;
    const w = worker({ retryBaseMs: 1000 });
    await w.drainOnce();
    clock.advance(1000);
    expect(await w.drainOnce()).toEqual({ claimed: 1, completed: 1, failed: 0 });
    expect(refresher.refreshedContacts).toEqual(['1']);
  });

  it('keeps portals apart: one failing portal does not hold back another', async () => {
    await receive([change(1, T, 'jobtitle', 'x'), { ...change(2, T, 'jobtitle', 'y'), portalId: 556 }]);
    const w = new WebhookWorker({
      inbox: stores.inbox,
      crm: stores.crm,
      assignments: stores.assignments,
      refresher,
      appId: APP_ID,
      clock,
      logger: silentLogger,
      rules: {
        live: async (portalId) => {
          if (portalId === P) throw new Error('no live rule set');
          return RULES;
        },
      },
    });
    expect(await w.drainOnce()).toEqual({ claimed: 2, completed: 1, failed: 1 });
    expect(refresher.refreshedContacts).toEqual(['2']);
  });

  it('processes events a crashed worker had claimed, once a new worker starts', async () => {
    await seedContact('1');
    await receive([change(2, T, 'jobtitle', 'x'), ev('contact.deletion', 1, T)]);
    await stores.inbox.claim(100, clock.now()); // the dead worker's claim
    clock.advance(1);
    const w = worker();
    await w.start();
    await waitFor(async () => (await stores.inbox.backlog()).processing === 0 && (await stores.inbox.backlog()).pending === 0);
    await w.stop();
    expect(refresher.refreshedContacts).toEqual(['2']);
    expect(await stores.crm.getContact(P, '1')).toBeNull();
  });

  it('drains on its own after a nudge and stops cleanly', async () => {
    const w = worker({ pollMs: 10_000 });
    await w.start();
    await receive([change(1, T, 'jobtitle', 'x')]);
    w.nudge();
    await waitFor(async () => refresher.contactCalls.length === 1);
    await w.stop();
    expect(await stores.inbox.backlog()).toMatchObject({ pending: 0, processing: 0 });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

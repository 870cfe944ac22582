import { AssignmentService } from '../../../src/personas/assignment-service';
import { RuleSetService } from '../../../src/personas/rule-set-service';
import { fixedClock } from '../../../src/platform/clock';
import { silentLogger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import type { ContactRecord, CrmRecord, HubSpotGateways, Page, PortalHubSpot } from '../../../src/crm/hubspot-port';
import { SyncService } from '../../../src/sync/sync-service';
import type { SyncHooks } from '../../../src/sync/sync-deps';
import { readFileSync } from 'node:fs';

const PORTAL = 5;

/**
 * A portal of `contacts` contacts where contact i has `ticketsOf(i)` tickets; records every call.
 * `failTicketRead(n)` makes the n-th ticket batch read (from 1) fail.
 */
function fakeHubSpot(
  contacts: number,
  ticketsOf: (i: number) => number,
  failTicketRead: (n: number) => boolean = () => false,
  failListAt?: number,
) {
  const calls: string[] = [];
  let ticketReads = 0;
  const ticketIds = (i: number) => Array.from({ length: ticketsOf(i) }, (_, j) => String(100_000 + i * 10 + j));
  const contactRecord = (i: number): ContactRecord => ({
    id: String(1000 + i),
    properties: { email: `c${i}@x.test`, persona: null },
    updatedAt: 1,
    ticketIds: ticketIds(i),
  });
  const portal: Partial<PortalHubSpot> = {
    portalId: PORTAL,
    countObjects: async () => contacts,
    listContacts: async ({ after }) => {
      calls.push(`list ${after ?? 0}`);
      const from = Number(after ?? 0);
      if (from === failListAt) throw new Error(`listing from ${from} failed`);
      const to = Math.min(contacts, from + 100);
      const results = Array.from({ length: to - from }, (_, k) => contactRecord(from + k));
      return { results, nextAfter: to < contacts ? String(to) : null } satisfies Page<ContactRecord>;
    },
    readTickets: async (ids) => {
      calls.push(`tickets ${ids.length}`);
      ticketReads += 1;
      if (failTicketRead(ticketReads)) throw new Error(`ticket batch read ${ticketReads} failed`);
      return ids.map((id): CrmRecord => ({
        id,
        properties: { createdate: '2026-01-01T00:00:00Z', hs_ticket_category: 'ONBOARDING' },
        updatedAt: 1,
      }));
    },
    updateContacts: async (inputs) => {
      calls.push(`write ${inputs.length} ${inputs.map((i) => i.id).join(',')}`);
      return { written: inputs.map((i) => i.id), failed: [] };
    },
  };
  const gateways: HubSpotGateways = { forPortal: () => portal as PortalHubSpot };
  return { gateways, calls, ticketIds };
}

/** 51 pages may wait for a batch, plus one listed ahead and up to four batches' pages still being written. */
const LISTED_AHEAD_BOUND = 51 + 1 + 4;

/** The sync service over these stores, with the default rule set and a fixed clock. */
function service(
  stores: Stores,
  gateways: HubSpotGateways,
  hooks?: SyncHooks,
  options: { clock?: ReturnType<typeof fixedClock>; searchOverlapMs?: number } = {},
) {
  const clock = options.clock ?? fixedClock(Date.parse('2026-11-02T00:00:00Z'));
  const ruleSets = new RuleSetService({
    ruleSets: stores.ruleSets,
    clock,
    defaultRuleSet: () => JSON.parse(readFileSync('config/personas.json', 'utf8')) as unknown,
  });
  const assignments = new AssignmentService({
    crm: stores.crm,
    assignments: stores.assignments,
    ruleSets,
    gateways,
    clock,
    logger: silentLogger,
  });
  return {
    ruleSets,
    sync: new SyncService({
      crm: stores.crm,
      sync: stores.sync,
      portals: stores.portals,
      ruleSets,
      assignments,
      gateways,
      clock,
      logger: silentLogger,
      hooks,
      ...(options.searchOverlapMs !== undefined ? { searchOverlapMs: options.searchOverlapMs } : {}),
    }),
  };
}

describe('the full sync pipeline', () => {
  let storage: Storage;
  let stores: Stores;

  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
    const now = Date.parse('2026-11-01T00:00:00Z');
    await stores.portals.upsert({
      portalId: PORTAL,
      hubDomain: null,
      state: 'installed',
      scopes: [],
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessExpiresAt: null,
      installedAt: now,
      updatedAt: now,
      installedBy: null,
      lastError: null,
    });
  });
  afterEach(async () => {
    await storage.close();
  });

  async function storedTicketIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let after: string | null = null; ;) {
      const part = await stores.crm.listTicketIds(PORTAL, after, 1000);
      if (part.length === 0) return ids;
      for (const id of part) ids.add(id);
      after = part[part.length - 1];
    }
  }

  /** Ticket ids of contacts [from, to) of the fake portal. */
  const idsOfContacts = (ticketIds: (i: number) => string[], from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => ticketIds(from + k)).flat();

  /** About 35 ids a page (36, 35, 35, ...): page 3's ids straddle the first and second batch. */
  const splitPages = (i: number) => (i % 3 === 0 ? 1 : 0) + (i % 50 === 0 ? 1 : 0);

  const writtenIds = (calls: string[]) => calls.filter((c) => c.startsWith('write')).flatMap((c) => c.split(' ')[2]!.split(','));

  const batchSizes = (calls: string[]) => calls.filter((c) => c.startsWith('tickets')).map((c) => Number(c.split(' ')[1]));

  it('reads tickets in full batches of 100 across pages when contacts have few tickets each, and finishes', async () => {
    const { gateways, calls } = fakeHubSpot(1_250, (i) => (i % 4 === 0 ? 1 : 0));
    const { ruleSets, sync } = service(stores, gateways);
    await ruleSets.ensureSeeded(PORTAL);
    const summary = await sync.fullSync(PORTAL);
    expect(summary.contacts).toBe(1_250);
    expect(summary.tickets).toBe(313);
    expect(await stores.crm.counts(PORTAL)).toEqual({ contacts: 1_250, tickets: 313, associations: 313, companies: 0, surveys: 0 });
    expect(batchSizes(calls)).toEqual([100, 100, 100, 13]);
    expect(calls.filter((c) => c.startsWith('write'))).toHaveLength(13);
    expect(await stores.sync.getCursor(PORTAL, 'full:contacts')).toBeNull();
  });

  it('fills ticket batches to 100 on a sparse portal, where 100 ids span many pages', async () => {
    // One contact in ten has one ticket and one in 37 has two: about 15 ids a page.
    const { gateways, calls } = fakeHubSpot(3_000, (i) => (i % 10 === 0 ? 1 : 0) + (i % 37 === 0 ? 2 : 0));
    const { ruleSets, sync } = service(stores, gateways);
    await ruleSets.ensureSeeded(PORTAL);
    const summary = await sync.fullSync(PORTAL);
    const sizes = batchSizes(calls);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(summary.tickets);
    expect(sizes.slice(0, -1).every((n) => n === 100)).toBe(true);
    expect(sizes).toHaveLength(Math.ceil(summary.tickets / 100));
    expect(await stores.crm.counts(PORTAL)).toMatchObject({ contacts: 3_000, tickets: summary.tickets });
  });

  it("saves a page's cursor only once every ticket of it and of the pages before it is stored, even when its batch is filled by later pages", async () => {
    const checked: number[] = [];
    const missing: string[] = [];
    const fake = fakeHubSpot(1_000, splitPages);
    const hooks: SyncHooks = {
      afterPage: async ({ page }) => {
        const saved = await stores.sync.getCursor(PORTAL, 'full:contacts');
        const cursor = saved === 'done' ? 1_000 : Number(saved);
        expect(cursor).toBe(page * 100);
        const stored = await storedTicketIds();
        for (const id of idsOfContacts(fake.ticketIds, 0, cursor)) if (!stored.has(id)) missing.push(id);
        checked.push(page);
      },
    };
    const { ruleSets, sync } = service(stores, fake.gateways, hooks);
    await ruleSets.ensureSeeded(PORTAL);
    await sync.fullSync(PORTAL);
    expect(checked).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(missing).toEqual([]);
    expect(batchSizes(fake.calls)).toEqual([100, 100, 100, 54]);
  });

  it('keeps the cursor before every page whose batch failed, and a resumed sync then loses and duplicates nothing', async () => {
    // The second batch holds the last ids of page 3 and those of pages 4 and 5.
    let failing = true;
    const fake = fakeHubSpot(1_000, splitPages, (n) => failing && n === 2);
    const { ruleSets, sync } = service(stores, fake.gateways);
    await ruleSets.ensureSeeded(PORTAL);
    await expect(sync.fullSync(PORTAL)).rejects.toThrow('ticket batch read 2 failed');
    const cursor = Number((await stores.sync.getCursor(PORTAL, 'full:contacts')) ?? 0);
    expect(cursor).toBeLessThanOrEqual(200);
    const stored = await storedTicketIds();
    expect(idsOfContacts(fake.ticketIds, 0, cursor).filter((id) => !stored.has(id))).toEqual([]);
    expect(idsOfContacts(fake.ticketIds, 200, 300).some((id) => !stored.has(id))).toBe(true);

    // Pages finished before the failure were written already, and are not written again.
    const writtenBefore = writtenIds(fake.calls);
    expect(writtenBefore.length).toBeGreaterThanOrEqual(cursor);
    failing = false;
    const resumed = await sync.fullSync(PORTAL);
    expect(resumed.contacts).toBe(1_000 - cursor);
    const all = idsOfContacts(fake.ticketIds, 0, 1_000);
    expect(await stores.crm.counts(PORTAL)).toEqual({
      contacts: 1_000,
      tickets: all.length,
      associations: all.length,
      companies: 0,
      surveys: 0,
    });
    expect(writtenBefore.length + resumed.writeBack.written).toBe(1_000);
    const everyWrite = writtenIds(fake.calls);
    expect(everyWrite).toHaveLength(1_000);
    expect(new Set(everyWrite).size).toBe(1_000);
  });

  it('does not save the cursor of a page whose last ids were still waiting for a batch when listing failed', async () => {
    // Pages 1-3 hold 106 ids: the first batch leaves six of page 3's ids waiting when listing page 4 fails.
    const fake = fakeHubSpot(1_000, splitPages, () => false, 300);
    const { ruleSets, sync } = service(stores, fake.gateways);
    await ruleSets.ensureSeeded(PORTAL);
    await expect(sync.fullSync(PORTAL)).rejects.toThrow('listing from 300 failed');
    expect(await stores.sync.getCursor(PORTAL, 'full:contacts')).toBe('200');
    expect(batchSizes(fake.calls)).toEqual([100]);
  });

  it("sends a part-filled batch rather than hold back more than 50 pages' cursors on a very sparse portal", async () => {
    // One ticket per 200 contacts: 100 ids would take 200 pages.
    const listedWhenSaved: number[] = [];
    const fake = fakeHubSpot(12_000, (i) => (i % 200 === 0 ? 1 : 0));
    const { ruleSets, sync } = service(stores, fake.gateways, {
      afterPage: ({ page }) => {
        listedWhenSaved.push(fake.calls.filter((c) => c.startsWith('list')).length - page);
      },
    });
    await ruleSets.ensureSeeded(PORTAL);
    const summary = await sync.fullSync(PORTAL);
    expect(summary.tickets).toBe(60);
    // At most 51 pages wait for a batch (then a part-filled one goes out); the listing stays a few pages
    // beyond them (the page asked for ahead, and pages whose writes are still in flight when a page's
    // cursor is saved, which depends on timers), never the 119 an unbounded listing would reach.
    expect(Math.max(...listedWhenSaved)).toBeLessThanOrEqual(LISTED_AHEAD_BOUND);
    expect(batchSizes(fake.calls).length).toBeLessThanOrEqual(3);
    expect(await stores.crm.counts(PORTAL)).toMatchObject({ contacts: 12_000, tickets: 60 });
  });

  it("writes the first page's personas while most pages are still to be listed, and every contact once", async () => {
    const fake = fakeHubSpot(8_000, (i) => (i % 3 === 0 ? 1 : 0));
    let atFirstPage: { listed: number; written: number } | null = null;
    const { ruleSets, sync } = service(stores, fake.gateways, {
      afterPage: ({ page }) => {
        if (page === 1)
          atFirstPage = { listed: fake.calls.filter((c) => c.startsWith('list')).length, written: writtenIds(fake.calls).length };
      },
    });
    await ruleSets.ensureSeeded(PORTAL);
    const summary = await sync.fullSync(PORTAL);
    expect(atFirstPage).not.toBeNull();
    expect(atFirstPage!.written).toBeGreaterThanOrEqual(100);
    // The listing runs at most a batch's worth of pages ahead of the scoring: 80 pages in all.
    expect(atFirstPage!.listed).toBeLessThanOrEqual(LISTED_AHEAD_BOUND);
    expect(summary.writeBack.written).toBe(8_000);
    expect(new Set(writtenIds(fake.calls)).size).toBe(8_000);
    expect(fake.calls.filter((c) => c.startsWith('write'))).toHaveLength(80);
  });

  it('reads contacts without tickets with no ticket requests at all', async () => {
    const { gateways, calls } = fakeHubSpot(300, () => 0);
    const { ruleSets, sync } = service(stores, gateways);
    await ruleSets.ensureSeeded(PORTAL);
    await sync.fullSync(PORTAL);
    expect(calls.filter((c) => c.startsWith('tickets'))).toEqual([]);
    expect((await stores.crm.counts(PORTAL)).contacts).toBe(300);
  });

  it('has the next page asked for while each page is stored, so the listing chain never waits for our SQL or CPU', async () => {
    const fake = fakeHubSpot(1_000, (i) => (i % 5 === 0 ? 1 : 0));
    const portal = fake.gateways.forPortal(PORTAL);
    const listOne = portal.listContacts.bind(portal);
    let listsInFlight = 0;
    portal.listContacts = async (o) => {
      listsInFlight += 1;
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return await listOne(o);
      } finally {
        listsInFlight -= 1;
      }
    };
    const listsWhileStoring: number[] = [];
    // A listed page is stored in one transaction (nothing else opens one on the CRM store in a full sync).
    const transaction = stores.crm.transaction.bind(stores.crm);
    jest.spyOn(stores.crm, 'transaction').mockImplementation((work) => {
      listsWhileStoring.push(listsInFlight);
      return transaction(work);
    });
    const { ruleSets, sync } = service(stores, fake.gateways);
    await ruleSets.ensureSeeded(PORTAL);
    const summary = await sync.fullSync(PORTAL);
    expect(summary.contacts).toBe(1_000);
    // Every page but the last is stored while the page after it is being listed; one list at a time (a chain).
    expect(listsWhileStoring).toEqual([...Array<number>(9).fill(1), 0]);
    expect(new Set(writtenIds(fake.calls)).size).toBe(1_000);
  });

  it('keeps listing while a page is being scored: the budget goes on reads while the CPU scores', async () => {
    const fake = fakeHubSpot(2_000, () => 0);
    const { ruleSets, sync } = service(stores, fake.gateways);
    await ruleSets.ensureSeeded(PORTAL);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const score = AssignmentService.prototype.scoreContacts;
    let first = true;
    const spy = jest.spyOn(AssignmentService.prototype, 'scoreContacts').mockImplementation(async function (
      this: AssignmentService,
      ...args
    ) {
      if (first) {
        first = false;
        await gate;
      }
      return score.apply(this, args);
    });
    const running = sync.fullSync(PORTAL);
    for (let turn = 0; turn < 2_000 && fake.calls.filter((c) => c.startsWith('list')).length < 10; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Page 1 is still being scored, and the listing has gone on regardless.
    expect(fake.calls.filter((c) => c.startsWith('list')).length).toBeGreaterThanOrEqual(10);
    expect(fake.calls.filter((c) => c.startsWith('write'))).toHaveLength(0);
    release();
    spy.mockRestore();
    const summary = await running;
    expect(summary.writeBack.written).toBe(2_000);
  });

  it('joins a full sync already running instead of starting a second one', async () => {
    const { gateways, calls } = fakeHubSpot(200, () => 2);
    const { ruleSets, sync } = service(stores, gateways);
    await ruleSets.ensureSeeded(PORTAL);
    const [a, b] = await Promise.all([sync.fullSync(PORTAL), sync.fullSync(PORTAL)]);
    expect(a.runId).toBe(b.runId);
    expect(calls.filter((c) => c.startsWith('list'))).toHaveLength(2);
  });
});

describe('the incremental sync', () => {
  let storage: Storage;
  let stores: Stores;
  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
    await stores.portals.upsert({
      portalId: PORTAL,
      hubDomain: null,
      state: 'installed',
      scopes: [],
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessExpiresAt: null,
      installedAt: 0,
      updatedAt: 0,
      installedBy: null,
      lastError: null,
    });
  });
  afterEach(async () => {
    await storage.close();
  });

  it('moves the search window forward when more than 10,000 records changed, reaching every one of them', async () => {
    const changed = 10_450;
    const base = Date.parse('2026-11-01T00:00:00Z');
    const modified = (i: number) => base + Math.floor(i / 3) * 1000; // ties, as in real portals
    const searches: { since: number; after: number | null }[] = [];
    const portal: Partial<PortalHubSpot> = {
      portalId: PORTAL,
      searchModifiedSince: async (kind, { since, after }) => {
        searches.push({ since, after });
        if (kind === 'tickets') return { results: [], nextAfter: null, total: 0 };
        if ((after ?? 0) >= 10_000) throw new Error('search cannot page past 10,000 results');
        const matching = Array.from({ length: changed }, (_, i) => i).filter((i) => modified(i) >= since);
        const offset = after ?? 0;
        const page = matching.slice(offset, offset + 200);
        return {
          results: page.map((i) => ({
            id: String(1000 + i),
            properties: { lastmodifieddate: new Date(modified(i)).toISOString(), persona: null },
            updatedAt: modified(i),
          })),
          nextAfter: offset + 200 < matching.length ? offset + 200 : null,
          total: matching.length,
        };
      },
      ticketIdsOfContacts: async (ids) => new Map(ids.map((id) => [id, []])),
      contactIdsOfTickets: async (ids) => new Map(ids.map((id) => [id, []])),
      readTickets: async () => [],
      updateContacts: async (inputs) => ({ written: inputs.map((i) => i.id), failed: [] }),
    };
    const gateways: HubSpotGateways = { forPortal: () => portal as PortalHubSpot };
    const { ruleSets, sync } = service(stores, gateways, undefined, { clock: fixedClock(base + 86_400_000), searchOverlapMs: 0 });
    await ruleSets.ensureSeeded(PORTAL);
    await stores.sync.setCursor(PORTAL, 'incremental:contacts', String(base), 0);
    await stores.sync.setCursor(PORTAL, 'incremental:tickets', String(base), 0);

    await sync.incrementalSync(PORTAL);
    expect((await stores.crm.counts(PORTAL)).contacts).toBe(changed);
    expect(searches.every((s) => (s.after ?? 0) < 10_000)).toBe(true);
    expect(new Set(searches.map((s) => s.since)).size).toBeGreaterThan(1);
    expect(Number(await stores.sync.getCursor(PORTAL, 'incremental:contacts'))).toBe(modified(changed - 1));
  });
});

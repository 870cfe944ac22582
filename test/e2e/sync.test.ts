import request from 'supertest';
import { fixedClock } from '../../src/platform/clock';
import { startAppHarness, type Harness } from '../support/app-harness';

function sandboxCounts(h: Harness) {
  const store = h.sandbox.data.store(h.portalId);
  const contacts = [...store.iterate('contacts')];
  const tickets = [...store.iterate('tickets')];
  const associations = contacts.reduce((n, c) => n + store.ticketIdsOfContact(c.id).length, 0);
  // Companies and responses reach the app through its contacts: those no contact names are never read.
  const companies = new Set(contacts.flatMap((c) => store.companyLinksOfContact(c.id).map((l) => l.companyId)));
  const surveys = contacts.reduce((n, c) => n + store.surveyIdsOfContact(c.id).length, 0);
  return { contacts: contacts.length, tickets: tickets.length, associations, companies: companies.size, surveys };
}

function listCalls(h: Harness, kind: 'contacts' | 'tickets'): number {
  return h.sandbox.stats(h.portalId).byPath[`GET /crm/v3/objects/${kind}`] ?? 0;
}

function batchWrites(h: Harness): number {
  return h.sandbox.stats(h.portalId).byPath['POST /crm/v3/objects/contacts/batch/update'] ?? 0;
}

/** Every stored assignment agrees with the persona property the sandbox now holds. */
async function expectWrittenToSandbox(h: Harness): Promise<void> {
  const store = h.sandbox.data.store(h.portalId);
  let checked = 0;
  for (const c of store.iterate('contacts')) {
    const a = await h.app.stores.assignments.get(h.portalId, c.id);
    expect(a).not.toBeNull();
    expect(c.properties.persona).toBe(a!.override?.persona ?? a!.personaId);
    checked += 1;
  }
  expect(checked).toBeGreaterThan(0);
}

jest.setTimeout(30_000);

describe('syncing the sandbox portal, assigning personas and writing them back', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('stores every contact, ticket and association, assigns every contact and writes each persona to HubSpot', async () => {
    h = await startAppHarness({ contacts: 450, tuning: { syncOnInstall: false } });
    await h.install();
    const summary = await h.app.services.sync.fullSync(h.portalId);

    expect(await h.app.stores.crm.counts(h.portalId)).toEqual(sandboxCounts(h));
    expect(summary.rescore.scored).toBe(450);
    expect(summary.writeBack.written).toBe(450);
    expect(summary.writeBack.failed).toBe(0);
    await expectWrittenToSandbox(h);
    // Pages of 100 with their associations, tickets read in full batches of 100 across pages, and batch writes of 100.
    expect(listCalls(h, 'contacts')).toBe(5);
    expect(summary.tickets).toBeGreaterThan(100);
    expect(h.sandbox.stats(h.portalId).byPath['POST /crm/v3/objects/tickets/batch/read']).toBe(Math.ceil(summary.tickets / 100));
    expect(batchWrites(h)).toBe(5);

    const status = await request(h.app.http).get(`/api/admin/portals/${h.portalId}/status`).set('authorization', `Bearer ${h.adminToken}`);
    expect(status.status).toBe(200);
    expect(status.body.counts).toEqual(sandboxCounts(h));
    expect(status.body.installState).toBe('installed');
    expect(status.body.sync.state).toBe('idle');
    expect(status.body.sync.lastRuns[0]).toMatchObject({ kind: 'full', status: 'succeeded' });
    const distributed = Object.values(status.body.personas.distribution as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(distributed + status.body.personas.unassigned).toBe(450);
    expect(status.body.personas.pendingWrites).toBe(0);
    expect(status.body.api.lastHour.calls).toBeGreaterThanOrEqual(h.sandbox.stats(h.portalId).requests);

    expect((await request(h.app.http).get(`/api/admin/portals/${h.portalId}/status`)).status).toBe(401);
    expect((await request(h.app.http).get('/api/admin/portals').set('authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
    const list = await request(h.app.http).get('/api/admin/portals').set('authorization', `Bearer ${h.adminToken}`);
    expect(list.body.portals).toEqual([
      expect.objectContaining({ portalId: h.portalId, installState: 'installed', lastSyncAt: expect.any(String) }),
    ]);
  });

  it('writes nothing on a second sync when nothing changed', async () => {
    h = await startAppHarness({ contacts: 250, tuning: { syncOnInstall: false } });
    await h.install();
    await h.app.services.sync.fullSync(h.portalId);
    const writes = batchWrites(h);
    const again = await h.app.services.sync.fullSync(h.portalId);
    expect(again.writeBack.written).toBe(0);
    expect(batchWrites(h)).toBe(writes);
    const reconciled = await h.app.services.sync.reconcile(h.portalId);
    expect(reconciled.writeBack.written).toBe(0);
  });

  it('resumes a sync that failed mid-stream from its cursor, losing and duplicating nothing', async () => {
    let crash = true;
    h = await startAppHarness({
      contacts: 500,
      tuning: {
        syncOnInstall: false,
        syncHooks: {
          afterPage: ({ stream, page }) => {
            if (crash && stream === 'contacts' && page === 3) throw new Error('simulated crash');
          },
        },
      },
    });
    await h.install();
    await expect(h.app.services.sync.fullSync(h.portalId)).rejects.toThrow('simulated crash');
    expect((await h.app.stores.crm.counts(h.portalId)).contacts).toBeGreaterThanOrEqual(300);
    const cursor = await h.app.stores.sync.getCursor(h.portalId, 'full:contacts');
    expect(cursor).not.toBeNull();
    // The stream wrote each page as it finished: the first three pages are in HubSpot already.
    expect(batchWrites(h)).toBeGreaterThanOrEqual(3);
    const withPersona = [...h.sandbox.data.store(h.portalId).iterate('contacts')].filter((c) => c.properties.persona).length;
    expect(withPersona).toBeGreaterThanOrEqual(300);

    crash = false;
    const resumed = await h.app.services.sync.fullSync(h.portalId);
    // The resumed run starts after page 3: it re-reads at most the pages that were in flight.
    expect(resumed.contacts).toBe(200);
    expect(listCalls(h, 'contacts')).toBeLessThanOrEqual(5 + 2);
    expect(await h.app.stores.crm.counts(h.portalId)).toEqual(sandboxCounts(h));
    // Every contact written exactly once: five batches of at most 100 hold all 500.
    expect(withPersona + resumed.writeBack.written).toBe(500);
    expect(batchWrites(h)).toBe(5);
    await expectWrittenToSandbox(h);
    const runs = await h.app.stores.sync.recentRuns(h.portalId, 5);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'failed']);
  });

  it('saves no cursor past a page whose tickets share a failed batch with the next page, and the resumed sync loses nothing', async () => {
    h = await startAppHarness({ contacts: 500, tuning: { syncOnInstall: false } });
    await h.install();
    const store = h.sandbox.data.store(h.portalId);
    const firstPageTickets = [...store.iterate('contacts')].slice(0, 100).reduce((n, c) => n + store.ticketIdsOfContact(c.id).length, 0);
    // The first batch of 100 ids holds all of page 1's tickets and the first of page 2's.
    expect(firstPageTickets).toBeLessThan(100);
    h.sandbox.faults.failNext(1, { status: 400, pathPattern: '/crm/v3/objects/tickets/batch/read' });
    await expect(h.app.services.sync.fullSync(h.portalId)).rejects.toThrow();
    expect(await h.app.stores.sync.getCursor(h.portalId, 'full:contacts')).toBeNull();

    const resumed = await h.app.services.sync.fullSync(h.portalId);
    expect(resumed.contacts).toBe(500);
    expect(await h.app.stores.crm.counts(h.portalId)).toEqual(sandboxCounts(h));
    expect(resumed.writeBack.written).toBe(500);
    await expectWrittenToSandbox(h);
  });

  it('picks up created and changed contacts and tickets with an incremental sync', async () => {
    h = await startAppHarness({ contacts: 200, tuning: { syncOnInstall: false } });
    await h.install();
    await h.app.services.sync.fullSync(h.portalId);
    const someone = [...h.sandbox.data.store(h.portalId).iterate('contacts')][10];
    h.sandbox.data.updateContact(h.portalId, someone.id, { jobtitle: 'Chief Data Analyst', hs_analytics_num_page_views: '250' });
    const created = h.sandbox.data.createContact(h.portalId, { email: 'new.person@example.com', firstname: 'New', jobtitle: 'Student' });
    const ticket = h.sandbox.data.createTicket(h.portalId, { subject: 'Help', hs_pipeline: '0', hs_pipeline_stage: '1' }, [someone.id]);

    const summary = await h.app.services.sync.incrementalSync(h.portalId);
    expect(summary.contacts).toBeGreaterThanOrEqual(2);
    expect((await h.app.stores.crm.getContact(h.portalId, someone.id))?.properties.jobtitle).toBe('Chief Data Analyst');
    expect(await h.app.stores.crm.getContact(h.portalId, created.id)).not.toBeNull();
    expect(await h.app.stores.crm.contactIdsOfTicket(h.portalId, ticket.id)).toEqual([someone.id]);
    expect(await h.app.stores.crm.counts(h.portalId)).toEqual(sandboxCounts(h));
    await expectWrittenToSandbox(h);
  });

  it('loses nothing through a 429 storm, 5xx answers and dropped connections', async () => {
    // A storm long enough that the sync meets it however busy the machine is, and retries that outlast it.
    h = await startAppHarness({
      contacts: 400,
      tuning: {
        syncOnInstall: false,
        retry: {
          burstRateLimitDelayMs: 400,
          searchRateLimitDelayMs: 100,
          serverErrorBaseDelayMs: 20,
          serverErrorMaxDelayMs: 200,
          maxAttempts: 12,
        },
      },
    });
    await h.install();
    h.sandbox.faults.rateLimitStorm(3_000, { portalId: h.portalId });
    h.sandbox.faults.failNext(4, { status: 503, pathPattern: '/crm/v3/objects/contacts' });
    h.sandbox.faults.failNext(2, { status: 500, pathPattern: 'batch/update' });
    h.sandbox.faults.dropConnections(2, { pathPattern: '/crm/v3/objects/tickets/batch/read' });
    const summary = await h.app.services.sync.fullSync(h.portalId);
    expect(summary.writeBack.failed).toBe(0);
    expect(await h.app.stores.crm.counts(h.portalId)).toEqual(sandboxCounts(h));
    await expectWrittenToSandbox(h);
    const stats = h.app.services.usage.statsOf(h.portalId);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.failures).toBeGreaterThanOrEqual(8);
  });

  it('refreshes an access token that expires mid-sync exactly once, however many calls need it', async () => {
    const clock = fixedClock(Date.parse('2026-11-20T10:00:00Z'));
    const refreshes: string[] = [];
    const countingFetch: typeof fetch = async (input, init) => {
      const grant = new URLSearchParams(String(init?.body ?? '')).get('grant_type');
      if (grant === 'refresh_token') refreshes.push(grant);
      return fetch(input, init);
    };
    let advanced = false;
    h = await startAppHarness({
      contacts: 400,
      clock,
      tuning: {
        syncOnInstall: false,
        oauthFetch: countingFetch,
        syncHooks: {
          afterPage: ({ page }) => {
            if (page === 2 && !advanced) {
              advanced = true;
              clock.advance(31 * 60_000);
            }
          },
        },
      },
    });
    await h.install();
    await h.app.services.sync.fullSync(h.portalId);
    expect(refreshes).toHaveLength(1);
    expect(await h.app.stores.crm.counts(h.portalId)).toEqual(sandboxCounts(h));

    clock.advance(31 * 60_000);
    const tokens = await Promise.all(Array.from({ length: 12 }, () => h.app.services.tokens.accessToken(h.portalId)));
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes).toHaveLength(2);
  });

  it('marks the portal as needing re-authorization when HubSpot rejects its refresh token, without retrying forever', async () => {
    const refreshes: string[] = [];
    const countingFetch: typeof fetch = async (input, init) => {
      if (new URLSearchParams(String(init?.body ?? '')).get('grant_type') === 'refresh_token') refreshes.push('refresh');
      return fetch(input, init);
    };
    h = await startAppHarness({ contacts: 100, tuning: { syncOnInstall: false, oauthFetch: countingFetch } });
    await h.install();
    h.sandbox.faults.revokeTokens(h.portalId);
    await expect(h.app.services.sync.fullSync(h.portalId)).rejects.toThrow(/re-authorized/);
    expect(refreshes).toHaveLength(1);
    const status = await request(h.app.http).get(`/api/admin/portals/${h.portalId}/status`).set('authorization', `Bearer ${h.adminToken}`);
    expect(status.body).toMatchObject({ installState: 'needs_reauth', needsReauth: true });
    expect(status.body.sync.lastError).toMatch(/re-authorized/);
    // Installing again restores it.
    await h.install();
    await h.app.services.sync.fullSync(h.portalId);
    expect((await h.app.stores.portals.get(h.portalId))?.state).toBe('installed');
  });

  it('keeps a persona set by hand in HubSpot and never overwrites it', async () => {
    h = await startAppHarness({ contacts: 150, tuning: { syncOnInstall: false } });
    await h.install();
    await h.app.services.sync.fullSync(h.portalId);
    const target = [...h.sandbox.data.store(h.portalId).iterate('contacts')][5];
    const computed = (await h.app.stores.assignments.get(h.portalId, target.id))!.personaId;
    const manual = computed === 'unassigned' ? 'not_a_fit' : 'unassigned';
    h.sandbox.data.updateContact(h.portalId, target.id, { persona: manual });

    await h.app.services.sync.incrementalSync(h.portalId);
    const stored = await h.app.stores.assignments.get(h.portalId, target.id);
    expect(stored?.override?.persona).toBe(manual);
    expect(stored?.personaId).toBe(computed);
    expect(h.sandbox.data.getContact(h.portalId, target.id)?.properties.persona).toBe(manual);

    const writes = batchWrites(h);
    await h.app.services.sync.fullSync(h.portalId);
    expect(batchWrites(h)).toBe(writes);
    expect(h.sandbox.data.getContact(h.portalId, target.id)?.properties.persona).toBe(manual);

    // Emptied in HubSpot: the rules take over again.
    h.sandbox.data.updateContact(h.portalId, target.id, { persona: '' });
    await h.app.services.sync.incrementalSync(h.portalId);
    expect((await h.app.stores.assignments.get(h.portalId, target.id))?.override).toBeNull();
    expect(h.sandbox.data.getContact(h.portalId, target.id)?.properties.persona).toBe(computed);
  });
});

import type { Storage } from '../../src/storage/connect';
import { createStores, type Stores } from '../../src/storage/stores';

const P = 101;
const Q = 202;
const T0 = 1_700_000_000_000;

const contact = (id: string, props: Record<string, string | null> = {}, email: string | null = `${id}@example.com`) => ({
  id,
  email,
  properties: { email, firstname: `First${id}`, ...props },
  hsUpdatedAt: T0,
  archived: false,
});
const ticket = (id: string, props: Record<string, string | null> = {}) => ({
  id,
  properties: { subject: `Ticket ${id}`, ...props },
  createdAt: T0,
  hsUpdatedAt: T0,
});
const company = (id: string, props: Record<string, string | null> = {}) => ({
  id,
  properties: { name: `Company ${id}`, ...props },
  hsUpdatedAt: T0,
});
const survey = (id: string, createdAt: number | null) => ({ id, properties: { hs_value: '9' }, createdAt, hsUpdatedAt: T0 });
const computed = (contactId: string, personaId: string, score = 50) => ({
  contactId,
  personaId,
  score,
  secondary: [],
  journeyStage: 'awareness',
  explanation: { firedRules: [] },
  ruleSetVersion: 1,
  needsWrite: true,
});

/** One behavioural suite for every store; each engine runs it (hono's common.case pattern). */
export function runStoreContract(engine: string, open: () => Promise<Storage>): void {
  describe(`stores on ${engine}`, () => {
    let storage: Storage;
    let s: Stores;
    beforeEach(async () => {
      storage = await open();
      s = createStores(storage);
    });
    afterEach(async () => {
      await storage.close();
    });

    describe('portals', () => {
      const portal = {
        portalId: P,
        hubDomain: 'acme.example',
        state: 'installed' as const,
        scopes: ['oauth', 'tickets'],
        accessTokenEnc: 'a1',
        refreshTokenEnc: 'r1',
        accessExpiresAt: T0 + 1800_000,
        installedAt: T0,
        updatedAt: T0,
        installedBy: 'ann@acme.example',
        lastError: null,
      };

      it('stores and reads back a portal with its scopes and encrypted tokens', async () => {
        await s.portals.upsert(portal);
        expect(await s.portals.get(P)).toEqual(portal);
        expect(await s.portals.get(Q)).toBeNull();
      });

      it('keeps the first install time when a portal installs again', async () => {
        await s.portals.upsert(portal);
        await s.portals.upsert({ ...portal, installedAt: T0 + 5000, updatedAt: T0 + 5000, accessTokenEnc: 'a2', state: 'installed' });
        const stored = await s.portals.get(P);
        expect(stored?.installedAt).toBe(T0);
        expect(stored?.accessTokenEnc).toBe('a2');
        expect(await s.portals.list()).toHaveLength(1);
      });

      it('updates tokens and install state', async () => {
        await s.portals.upsert(portal);
        await s.portals.updateTokens(P, { accessTokenEnc: 'a3', refreshTokenEnc: 'r3', accessExpiresAt: T0 + 99 }, T0 + 1);
        await s.portals.setState(P, 'needs_reauth', 'refresh token rejected', T0 + 2);
        expect(await s.portals.get(P)).toMatchObject({
          accessTokenEnc: 'a3',
          refreshTokenEnc: 'r3',
          accessExpiresAt: T0 + 99,
          state: 'needs_reauth',
          lastError: 'refresh token rejected',
          updatedAt: T0 + 2,
        });
      });
    });

    describe('oauth states', () => {
      const state = { stateHash: 'h1', browserHash: 'b1', purpose: 'install' as const, createdAt: T0, expiresAt: T0 + 600_000 };

      it('accepts a state once, from the browser that started it', async () => {
        await s.oauthStates.save(state);
        expect(await s.oauthStates.consume('h1', 'other-browser', 'install', T0)).toBe('wrong-browser');
        expect(await s.oauthStates.consume('h1', 'b1', 'signin', T0)).toBe('wrong-purpose');
        expect(await s.oauthStates.consume('h1', 'b1', 'install', T0)).toBe('ok');
        expect(await s.oauthStates.consume('h1', 'b1', 'install', T0)).toBe('used');
        expect(await s.oauthStates.consume('nope', 'b1', 'install', T0)).toBe('unknown');
      });

      it('refuses an expired state and purges it', async () => {
        await s.oauthStates.save(state);
        expect(await s.oauthStates.consume('h1', 'b1', 'install', T0 + 600_001)).toBe('expired');
        expect(await s.oauthStates.purgeExpired(T0 + 600_001)).toBe(1);
        expect(await s.oauthStates.consume('h1', 'b1', 'install', T0)).toBe('unknown');
      });

      it('lets exactly one of two concurrent callbacks use a state', async () => {
        await s.oauthStates.save(state);
        const results = await Promise.all([1, 2, 3].map(() => s.oauthStates.consume('h1', 'b1', 'install', T0)));
        expect(results.filter((r) => r === 'ok')).toHaveLength(1);
      });
    });

    describe('crm records', () => {
      it('commits a unit of work together, or nothing of it when it fails', async () => {
        await s.crm.transaction(async (crm) => {
          await crm.upsertContacts(P, [contact('1'), contact('2')], T0);
          await crm.replaceContactTickets(P, ['1'], [{ contactId: '1', ticketId: 't1' }]);
        });
        await expect(
          s.crm.transaction(async (crm) => {
            await crm.upsertContacts(P, [contact('3')], T0);
            await crm.replaceContactTickets(P, ['1'], []);
            throw new Error('the page failed half-way');
          }),
        ).rejects.toThrow('half-way');
        expect([...(await s.crm.getContacts(P, ['1', '2', '3'])).keys()].sort()).toEqual(['1', '2']);
        expect(await s.crm.contactIdsOfTicket(P, 't1')).toEqual(['1']);
      });

      it('upserts contacts, replacing their properties, and keeps portals apart', async () => {
        await s.crm.upsertContacts(P, [contact('1', { jobtitle: 'Analyst' }), contact('2')], T0);
        await s.crm.upsertContacts(Q, [contact('1', { jobtitle: 'CFO' })], T0);
        await s.crm.upsertContacts(P, [contact('1', { jobtitle: 'Senior Analyst' })], T0 + 1);
        expect((await s.crm.getContact(P, '1'))?.properties.jobtitle).toBe('Senior Analyst');
        expect((await s.crm.getContact(Q, '1'))?.properties.jobtitle).toBe('CFO');
        expect(await s.crm.counts(P)).toEqual({ contacts: 2, tickets: 0, associations: 0, companies: 0, surveys: 0 });
        const many = await s.crm.getContacts(P, ['1', '2', '3']);
        expect([...many.keys()].sort()).toEqual(['1', '2']);
        expect(many.get('1')?.properties.jobtitle).toBe('Senior Analyst');
        expect((await s.crm.getContacts(Q, ['2'])).size).toBe(0);
      });

      it('streams contacts with their tickets in id order, in batches, skipping archived ones', async () => {
        const ids = Array.from({ length: 25 }, (_, i) => String(1000 + i));
        await s.crm.upsertContacts(
          P,
          ids.map((id) => contact(id)),
          T0,
        );
        await s.crm.upsertContacts(P, [{ ...contact('1999'), archived: true }], T0);
        await s.crm.upsertTickets(P, [ticket('t1'), ticket('t2')], T0);
        await s.crm.replaceContactTickets(
          P,
          ['1003'],
          [
            { contactId: '1003', ticketId: 't1' },
            { contactId: '1003', ticketId: 't2' },
          ],
        );
        const batches: string[][] = [];
        let tickets: string[] = [];
        for await (const batch of s.crm.streamContactsWithTickets(P, { batchSize: 10 })) {
          batches.push(batch.map((b) => b.contact.id));
          const c = batch.find((b) => b.contact.id === '1003');
          if (c) tickets = c.tickets.map((t) => t.id);
        }
        expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
        expect(batches.flat()).toEqual(ids);
        expect(tickets).toEqual(['t1', 't2']);
      });

      it('resumes a stream after a given id', async () => {
        await s.crm.upsertContacts(
          P,
          ['1', '2', '3'].map((id) => contact(id)),
          T0,
        );
        const seen: string[] = [];
        for await (const batch of s.crm.streamContactsWithTickets(P, { afterId: '1' })) seen.push(...batch.map((b) => b.contact.id));
        expect(seen).toEqual(['2', '3']);
      });

      it("replaces a contact's ticket links and links or unlinks single ones", async () => {
        await s.crm.upsertContacts(P, [contact('1'), contact('2')], T0);
        await s.crm.upsertTickets(P, [ticket('a'), ticket('b'), ticket('c')], T0);
        await s.crm.replaceContactTickets(
          P,
          ['1', '2'],
          [
            { contactId: '1', ticketId: 'a' },
            { contactId: '2', ticketId: 'a' },
          ],
        );
        await s.crm.replaceContactTickets(P, ['1'], [{ contactId: '1', ticketId: 'b' }]);
        await s.crm.link(P, [
          { contactId: '1', ticketId: 'c' },
          { contactId: '1', ticketId: 'c' },
        ]);
        await s.crm.unlink(P, [{ contactId: '2', ticketId: 'a' }]);
        const both = await s.crm.getContactsWithTickets(P, ['1', '2']);
        expect(both.get('1')?.tickets.map((t) => t.id)).toEqual(['b', 'c']);
        expect(both.get('2')?.tickets).toEqual([]);
        expect(await s.crm.contactIdsOfTicket(P, 'b')).toEqual(['1']);
      });

      it('names the tickets stored since a time, among those asked about, on this portal only', async () => {
        await s.crm.upsertTickets(P, [ticket('old')], T0);
        await s.crm.upsertTickets(P, [ticket('new'), ticket('other')], T0 + 10);
        await s.crm.upsertTickets(P + 1, [ticket('elsewhere')], T0 + 10);
        expect([...(await s.crm.ticketIdsSyncedSince(P, ['old', 'new', 'elsewhere', 'missing'], T0 + 10))]).toEqual(['new']);
        expect(await s.crm.ticketIdsSyncedSince(P, ['old', 'new'], T0)).toEqual(new Set(['old', 'new']));
        expect(await s.crm.ticketIdsSyncedSince(P, [], T0)).toEqual(new Set());
      });

      it('purges everything stored about a deleted contact and nothing else', async () => {
        await s.crm.upsertContacts(P, [contact('1'), contact('2')], T0);
        await s.crm.upsertTickets(P, [ticket('a')], T0);
        await s.crm.link(P, [
          { contactId: '1', ticketId: 'a' },
          { contactId: '2', ticketId: 'a' },
        ]);
        await s.assignments.saveComputed(P, [computed('1', 'analyst'), computed('2', 'analyst')], 'sync', T0);
        await s.audit.append({ portalId: P, actor: 'ann', action: 'override', target: 'contact:1', diff: { persona: 'x' }, at: T0 });
        await s.audit.append({ portalId: P, actor: 'ann', action: 'publish', target: 'ruleset:2', diff: {}, at: T0 });
        await s.crm.purgeContacts(P, ['1']);
        expect(await s.crm.getContact(P, '1')).toBeNull();
        expect(await s.assignments.get(P, '1')).toBeNull();
        expect(await s.assignments.history(P, { contactId: '1', limit: 10 })).toEqual([]);
        expect((await s.audit.list(P, { limit: 10 })).map((e) => e.target)).toEqual(['ruleset:2']);
        expect(await s.crm.contactIdsOfTicket(P, 'a')).toEqual(['2']);
        expect(await s.assignments.get(P, '2')).not.toBeNull();
      });

      it('deletes tickets with their links', async () => {
        await s.crm.upsertContacts(P, [contact('1')], T0);
        await s.crm.upsertTickets(P, [ticket('a'), ticket('b')], T0);
        await s.crm.link(P, [
          { contactId: '1', ticketId: 'a' },
          { contactId: '1', ticketId: 'b' },
        ]);
        await s.crm.deleteTickets(P, ['a']);
        expect((await s.crm.getContactsWithTickets(P, ['1'])).get('1')?.tickets.map((t) => t.id)).toEqual(['b']);
        expect(await s.crm.counts(P)).toEqual({ contacts: 1, tickets: 1, associations: 1, companies: 0, surveys: 0 });
      });

      it('finds contacts by id, email and name fragment, and maps emails to ids', async () => {
        await s.crm.upsertContacts(
          P,
          [
            contact('1', { firstname: 'Grace' }, 'Grace@Navy.example'),
            contact('2', { firstname: 'Alan' }),
            contact('3', { firstname: '100%_real' }),
          ],
          T0,
        );
        expect((await s.crm.searchContacts(P, 'grace', 10)).map((c) => c.id)).toEqual(['1']);
        expect((await s.crm.searchContacts(P, '2', 10)).map((c) => c.id)).toContain('2');
        expect((await s.crm.searchContacts(P, '%_', 10)).map((c) => c.id)).toEqual(['3']);
        expect(await s.crm.findContactIdsByEmail(P, ['GRACE@navy.example', 'nobody@x'])).toEqual(new Map([['grace@navy.example', '1']]));
      });

      it('gives each contact its primary company only, and every survey response newest first', async () => {
        await s.crm.upsertContacts(P, [contact('1'), contact('2'), contact('3')], T0);
        await s.crm.upsertCompanies(P, [company('c1', { name: 'Acme' }), company('c2', { name: 'Globex' })], T0);
        await s.crm.upsertCompanies(Q, [company('c1', { name: 'Other portal' })], T0);
        await s.crm.replaceContactCompanies(
          P,
          ['1', '2', '3'],
          [
            { contactId: '1', companyId: 'c1', primary: true },
            { contactId: '1', companyId: 'c2', primary: false },
            { contactId: '2', companyId: 'c2', primary: false },
            // Linked, but the company is not stored yet: no company for the rules.
            { contactId: '3', companyId: 'c9', primary: true },
          ],
        );
        await s.crm.upsertSurveys(P, [survey('s1', T0 - 5000), survey('s2', T0), survey('s3', null)], T0);
        await s.crm.replaceContactSurveys(
          P,
          ['1'],
          [
            { contactId: '1', surveyId: 's1' },
            { contactId: '1', surveyId: 's2' },
            { contactId: '1', surveyId: 's3' },
          ],
        );
        const found = await s.crm.getContactsWithTickets(P, ['1', '2', '3']);
        expect(found.get('1')?.company?.properties.name).toBe('Acme');
        expect(found.get('2')?.company).toBeNull();
        expect(found.get('3')?.company).toBeNull();
        expect(found.get('1')?.surveys.map((x) => x.id)).toEqual(['s2', 's1', 's3']);
        const streamed: Record<string, string | null> = {};
        for await (const batch of s.crm.streamContactsWithTickets(P)) for (const c of batch) streamed[c.contact.id] = c.company?.id ?? null;
        expect(streamed).toEqual({ 1: 'c1', 2: null, 3: null });
        expect(await s.crm.counts(P)).toMatchObject({ companies: 2, surveys: 3 });
      });

      it('finds the contacts of companies, primary or any label, and replaces links per contact', async () => {
        await s.crm.upsertContacts(P, [contact('1'), contact('2')], T0);
        await s.crm.replaceContactCompanies(
          P,
          ['1', '2'],
          [
            { contactId: '1', companyId: 'c1', primary: true },
            { contactId: '2', companyId: 'c1', primary: false },
            { contactId: '2', companyId: 'c2', primary: true },
          ],
        );
        expect(await s.crm.contactIdsOfCompanies(P, ['c1'], { primaryOnly: true })).toEqual(['1']);
        expect(await s.crm.contactIdsOfCompanies(P, ['c1', 'c2'], { primaryOnly: false })).toEqual(['1', '2']);
        expect(await s.crm.contactIdsOfCompanies(Q, ['c1'], { primaryOnly: false })).toEqual([]);
        await s.crm.replaceContactCompanies(P, ['2'], []);
        expect(await s.crm.contactIdsOfCompanies(P, ['c1', 'c2'], { primaryOnly: false })).toEqual(['1']);
      });

      it("names companies and responses stored since a time, and drops a purged contact's account links", async () => {
        await s.crm.upsertContacts(P, [contact('1')], T0);
        await s.crm.upsertCompanies(P, [company('old')], T0);
        await s.crm.upsertCompanies(P, [company('new')], T0 + 10);
        await s.crm.upsertSurveys(P, [survey('s1', T0)], T0 + 10);
        expect(await s.crm.companyIdsSyncedSince(P, ['old', 'new', 'missing'], T0 + 10)).toEqual(new Set(['new']));
        expect(await s.crm.surveyIdsSyncedSince(P, ['s1'], T0 + 10)).toEqual(new Set(['s1']));
        await s.crm.replaceContactCompanies(P, ['1'], [{ contactId: '1', companyId: 'new', primary: true }]);
        await s.crm.replaceContactSurveys(P, ['1'], [{ contactId: '1', surveyId: 's1' }]);
        await s.crm.purgeContacts(P, ['1']);
        expect(await s.crm.contactIdsOfCompanies(P, ['new'], { primaryOnly: false })).toEqual([]);
        await s.crm.deleteCompanies(P, ['new']);
        expect(await s.crm.counts(P)).toMatchObject({ companies: 1, surveys: 1 });
      });

      it("quotes the newest survey comments of a persona's contacts, manual values first, skipping empty comments", async () => {
        await s.crm.upsertContacts(P, [contact('1'), contact('2'), contact('3')], T0);
        await s.assignments.saveComputed(P, [computed('1', 'analyst'), computed('2', 'buyer'), computed('3', 'analyst')], 'sync', T0);
        await s.assignments.setOverride(P, '3', { persona: 'buyer', by: 'rep', at: T0 });
        const quote = (id: string, at: number, content: string | null) => ({
          id,
          properties: { hs_content: content, hs_value: '9', hs_survey_type: 'NPS' },
          createdAt: at,
          hsUpdatedAt: T0,
        });
        await s.crm.upsertSurveys(
          P,
          [
            quote('a', T0 - 3, 'Old praise'),
            quote('b', T0 - 1, 'New praise'),
            quote('c', T0, '  '),
            quote('d', T0 - 2, 'Buyer words'),
            quote('e', T0 - 5, 'Overridden words'),
          ],
          T0,
        );
        await s.crm.replaceContactSurveys(
          P,
          ['1', '2', '3'],
          [
            { contactId: '1', surveyId: 'a' },
            { contactId: '1', surveyId: 'b' },
            { contactId: '1', surveyId: 'c' },
            { contactId: '2', surveyId: 'd' },
            { contactId: '3', surveyId: 'e' },
          ],
        );
        expect((await s.crm.recentSurveyComments(P, 'analyst', 5)).map((q) => [q.comment, q.score, q.type])).toEqual([
          ['New praise', 9, 'NPS'],
          ['Old praise', 9, 'NPS'],
        ]);
        expect((await s.crm.recentSurveyComments(P, 'buyer', 5)).map((q) => q.comment)).toEqual(['Buyer words', 'Overridden words']);
        expect((await s.crm.recentSurveyComments(P, 'buyer', 1)).map((q) => q.comment)).toEqual(['Buyer words']);
        expect(await s.crm.recentSurveyComments(Q, 'analyst', 5)).toEqual([]);
      });

      it('lists ids after a cursor for reconciliation', async () => {
        await s.crm.upsertContacts(
          P,
          ['1', '2', '3'].map((id) => contact(id)),
          T0,
        );
        await s.crm.upsertTickets(P, [ticket('x'), ticket('y')], T0);
        expect(await s.crm.listContactIds(P, '1', 5)).toEqual(['2', '3']);
        expect(await s.crm.listTicketIds(P, null, 1)).toEqual(['x']);
      });
    });

    describe('rule sets', () => {
      it('numbers versions per portal and serves the highest published as live', async () => {
        const v1 = await s.ruleSets.add(P, { body: { v: 1 }, status: 'published', createdBy: 'system', note: 'default' }, T0);
        const v2 = await s.ruleSets.add(P, { body: { v: 2 }, status: 'draft', createdBy: 'ann', note: null }, T0 + 1);
        await s.ruleSets.add(Q, { body: { v: 'q' }, status: 'published', createdBy: 'system', note: null }, T0);
        expect([v1.version, v2.version]).toEqual([1, 2]);
        expect((await s.ruleSets.live(P))?.body).toEqual({ v: 1 });
        const v3 = await s.ruleSets.add(P, { body: { v: 3 }, status: 'published', createdBy: 'ann', note: 'tuned' }, T0 + 2);
        expect(await s.ruleSets.live(P)).toEqual(v3);
        expect((await s.ruleSets.list(P)).map((v) => v.version)).toEqual([3, 2, 1]);
        expect((await s.ruleSets.get(P, 2))?.status).toBe('draft');
        expect(await s.ruleSets.live(999)).toBeNull();
      });

      it('gives concurrent publishers distinct versions', async () => {
        const versions = await Promise.all(
          [1, 2, 3, 4].map((i) => s.ruleSets.add(P, { body: { i }, status: 'published', createdBy: `admin${i}`, note: null }, T0)),
        );
        expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3, 4]);
      });
    });

    describe('admin sessions', () => {
      const session = {
        idHash: 'sess-hash',
        portalId: P,
        userEmail: 'ann@acme.example',
        userId: '77',
        csrfTokenHash: 'csrf-hash-1',
        createdAt: T0,
        expiresAt: T0 + 3_600_000,
      };

      it('finds a live session by its hash and forgets it once deleted', async () => {
        await s.adminSessions.create(session);
        expect(await s.adminSessions.find('sess-hash', T0 + 1)).toEqual(session);
        expect(await s.adminSessions.find('other-hash', T0 + 1)).toBeNull();
        await s.adminSessions.delete('sess-hash');
        expect(await s.adminSessions.find('sess-hash', T0 + 1)).toBeNull();
      });

      it('treats an expired session as absent and purges only expired ones', async () => {
        await s.adminSessions.create(session);
        await s.adminSessions.create({ ...session, idHash: 'later', expiresAt: T0 + 7_200_000 });
        expect(await s.adminSessions.find('sess-hash', T0 + 3_600_000)).toBeNull();
        expect(await s.adminSessions.purgeExpired(T0 + 3_600_000)).toBe(1);
        expect((await s.adminSessions.find('later', T0 + 3_600_000))?.portalId).toBe(P);
      });

      it('records share-link revocations per portal, the latest time winning', async () => {
        expect(await s.shareRevocations.revokedBefore(P)).toBeNull();
        await s.shareRevocations.revokeAll(P, T0);
        await s.shareRevocations.revokeAll(P, T0 + 5);
        expect(await s.shareRevocations.revokedBefore(P)).toBe(T0 + 5);
        expect(await s.shareRevocations.revokedBefore(Q)).toBeNull();
        expect(await s.adminSessions.purgeExpired(T0 + 10)).toBe(0);
      });
    });

    describe('assignments', () => {
      it('records each written contact with its own values in one call, and only in that portal', async () => {
        const ids = Array.from({ length: 150 }, (_, i) => String(i + 1));
        await s.assignments.saveComputed(
          P,
          ids.map((id, i) => computed(id, i % 2 === 0 ? 'analyst' : 'buyer', i)),
          'sync',
          T0,
        );
        await s.assignments.saveComputed(Q, [computed('1', 'analyst', 5)], 'sync', T0);
        const values = (i: number) => ({
          persona: i % 2 === 0 ? 'analyst' : 'buyer',
          secondary: i % 3 === 0 ? 'champion' : '',
          score: String(i),
        });
        await s.assignments.markWritten(
          P,
          ids.slice(0, 140).map((contactId, i) => ({ contactId, values: values(i) })),
          T0 + 1,
        );
        for (const i of [0, 1, 2, 99, 100, 139]) {
          expect(await s.assignments.get(P, ids[i]!)).toMatchObject({ needsWrite: false, written: values(i), writtenAt: T0 + 1 });
        }
        expect((await s.assignments.get(P, '141'))?.written).toBeNull();
        expect((await s.assignments.get(Q, '1'))?.written).toBeNull();
      });

      it('keeps written values and overrides across recomputation and records persona changes', async () => {
        await s.assignments.saveComputed(P, [computed('1', 'analyst', 40)], 'sync', T0);
        await s.assignments.markWritten(P, [{ contactId: '1', values: { persona: 'analyst', secondary: '', score: '40' } }], T0 + 1);
        await s.assignments.setOverride(P, '1', { persona: 'buyer', by: 'userId:7', at: T0 + 2 });
        const { changed } = await s.assignments.saveComputed(
          P,
          [{ ...computed('1', 'champion', 70), needsWrite: false }],
          'rescore',
          T0 + 3,
        );
        expect(changed).toBe(1);
        const a = await s.assignments.get(P, '1');
        expect(a).toMatchObject({
          personaId: 'champion',
          score: 70,
          needsWrite: false,
          written: { persona: 'analyst', secondary: '', score: '40' },
          writtenAt: T0 + 1,
          override: { persona: 'buyer', by: 'userId:7', at: T0 + 2 },
          hubspotPersona: 'analyst',
        });
        expect((await s.assignments.history(P, { contactId: '1', limit: 10 })).map((h) => [h.fromPersona, h.toPersona, h.reason])).toEqual([
          ['analyst', 'champion', 'rescore'],
          [null, 'analyst', 'sync'],
        ]);
      });

      it('does not add history when the persona stays the same', async () => {
        await s.assignments.saveComputed(P, [computed('1', 'analyst', 40)], 'sync', T0);
        const { changed } = await s.assignments.saveComputed(P, [computed('1', 'analyst', 45)], 'sync', T0 + 1);
        expect(changed).toBe(0);
        expect(await s.assignments.history(P, { limit: 10 })).toHaveLength(1);
      });

      it('lists pending writes in id order and clears them when written', async () => {
        await s.assignments.saveComputed(
          P,
          [computed('3', 'a'), computed('1', 'a'), { ...computed('2', 'a'), needsWrite: false }],
          'sync',
          T0,
        );
        expect((await s.assignments.pendingWrites(P, null, 10)).map((a) => a.contactId)).toEqual(['1', '3']);
        expect((await s.assignments.pendingWrites(P, '1', 10)).map((a) => a.contactId)).toEqual(['3']);
        expect(await s.assignments.countPendingWrites(P)).toBe(2);
        await s.assignments.markWritten(P, [{ contactId: '1', values: { persona: 'a', secondary: '', score: '50' } }], T0);
        expect(await s.assignments.countPendingWrites(P)).toBe(1);
      });

      it('counts the distribution by effective persona', async () => {
        await s.assignments.saveComputed(P, [computed('1', 'a'), computed('2', 'a'), computed('3', 'unassigned')], 'sync', T0);
        await s.assignments.setOverride(P, '2', { persona: 'b', by: null, at: T0 });
        expect(await s.assignments.distribution(P)).toEqual({ a: 1, b: 1, unassigned: 1 });
        await s.assignments.setOverride(P, '2', null);
        expect(await s.assignments.distribution(P)).toEqual({ a: 2, unassigned: 1 });
      });

      it('reads many at once and records what HubSpot holds', async () => {
        await s.assignments.saveComputed(P, [computed('1', 'a'), computed('2', 'b')], 'sync', T0);
        await s.assignments.setHubspotPersona(P, '2', 'manual');
        const many = await s.assignments.getMany(P, ['1', '2', '9']);
        expect([...many.keys()].sort()).toEqual(['1', '2']);
        expect(many.get('2')?.hubspotPersona).toBe('manual');
      });
    });

    describe('review queue', () => {
      const flagged = (contactId: string, personaId: string, reason: 'close-call' | 'changed' | 'near-threshold', margin: number) => ({
        ...computed(contactId, personaId),
        review: { reason, margin },
      });

      it('pages open close calls closest first, with a keyset cursor that survives equal margins', async () => {
        await s.assignments.saveComputed(
          P,
          [
            flagged('3', 'a', 'close-call', 2),
            flagged('1', 'a', 'close-call', 2),
            flagged('2', 'b', 'changed', 0),
            flagged('4', 'b', 'close-call', 4.5),
            computed('5', 'a'),
          ],
          'sync',
          T0,
        );
        await s.assignments.saveComputed(Q, [flagged('1', 'a', 'close-call', 1)], 'sync', T0);

        const first = await s.assignments.reviewQueue(P, { limit: 2 });
        expect(first.map((i) => [i.contactId, i.flag.reason, i.flag.margin])).toEqual([
          ['2', 'changed', 0],
          ['1', 'close-call', 2],
        ]);
        const last = first[first.length - 1]!;
        const second = await s.assignments.reviewQueue(P, { after: { margin: last.flag.margin, contactId: last.contactId }, limit: 2 });
        expect(second.map((i) => i.contactId)).toEqual(['3', '4']);
        expect(await s.assignments.reviewQueueSize(P)).toBe(4);
        expect(await s.assignments.reviewQueueSize(Q)).toBe(1);
        expect((await s.assignments.get(P, '4'))?.review).toEqual({ reason: 'close-call', margin: 4.5 });
      });

      it('keeps a decided close call closed while it stays the same, and opens it again when it changes', async () => {
        await s.assignments.saveComputed(P, [flagged('1', 'a', 'close-call', 2), flagged('2', 'a', 'close-call', 3)], 'sync', T0);
        expect(await s.assignments.closeReview(P, '1')).toBe(true);
        expect(await s.assignments.closeReview(P, '1')).toBe(false);

        // The same close call at the next rescore stays decided.
        await s.assignments.saveComputed(P, [flagged('1', 'a', 'close-call', 1)], 'rescore', T0 + 1);
        expect((await s.assignments.reviewQueue(P, { limit: 10 })).map((i) => i.contactId)).toEqual(['2']);
        // A new persona makes it a new question.
        await s.assignments.saveComputed(P, [flagged('1', 'b', 'changed', 3)], 'rescore', T0 + 2);
        expect((await s.assignments.reviewQueue(P, { limit: 10 })).map((i) => i.contactId)).toEqual(['1', '2']);
        // No longer a close call: out of the queue.
        await s.assignments.saveComputed(P, [computed('2', 'a')], 'rescore', T0 + 3);
        expect(await s.assignments.reviewQueueSize(P)).toBe(1);
      });
    });

    describe('webhook inbox', () => {
      const entry = (key: string, portalId = P) => ({ portalId, dedupeKey: key, event: { key }, occurredAt: T0 });

      it('persists a batch once, skipping duplicates within and across batches', async () => {
        expect(await s.inbox.enqueue([entry('a'), entry('b'), entry('a')], T0)).toEqual({ inserted: 2, duplicates: 1 });
        expect(await s.inbox.enqueue([entry('b'), entry('c'), entry('a', Q)], T0)).toEqual({ inserted: 2, duplicates: 1 });
        expect(await s.inbox.backlog()).toMatchObject({ pending: 4, processing: 0, failed: 0, oldestPendingAt: T0 });
        expect((await s.inbox.backlog(Q)).pending).toBe(1);
      });

      it('claims oldest first, never the same entry twice, and completes them', async () => {
        await s.inbox.enqueue([entry('a'), entry('b'), entry('c')], T0);
        const [first, second] = await Promise.all([s.inbox.claim(2, T0), s.inbox.claim(2, T0)]);
        const claimed = [...first, ...second].map((i) => i.dedupeKey);
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(claimed.sort()).toEqual(['a', 'b', 'c']);
        expect(first[0]).toMatchObject({ attempts: 1, event: { key: first[0]!.dedupeKey } });
        await s.inbox.complete(
          [...first, ...second].map((i) => i.id),
          T0,
        );
        expect(await s.inbox.backlog()).toMatchObject({ pending: 0, processing: 0 });
        expect(await s.inbox.purgeDone(T0 + 1)).toBe(3);
      });

      it('returns entries of a dead worker to pending and retries failures until they are parked', async () => {
        await s.inbox.enqueue([entry('a')], T0);
        await s.inbox.claim(10, T0);
        expect(await s.inbox.claim(10, T0)).toEqual([]);
        expect(await s.inbox.releaseStale(T0 + 1)).toBe(1);
        const [item] = await s.inbox.claim(10, T0 + 2);
        expect(item?.attempts).toBe(2);
        await s.inbox.fail(item!.id, 'HubSpot 503', true);
        expect((await s.inbox.backlog()).pending).toBe(1);
        const [again] = await s.inbox.claim(10, T0 + 3);
        await s.inbox.fail(again!.id, 'bad event', false);
        expect(await s.inbox.backlog()).toMatchObject({ pending: 0, failed: 1 });
      });

      it('does not hand out a retried entry before its retry time', async () => {
        await s.inbox.enqueue([entry('a'), entry('b')], T0);
        const claimed = await s.inbox.claim(10, T0);
        await s.inbox.fail(claimed[0]!.id, 'HubSpot 503', true, T0 + 1000);
        await s.inbox.fail(claimed[1]!.id, 'HubSpot 503', true);
        expect((await s.inbox.claim(10, T0 + 999)).map((i) => i.dedupeKey)).toEqual(['b']);
        expect((await s.inbox.claim(10, T0 + 1000)).map((i) => i.dedupeKey)).toEqual(['a']);
      });
    });

    describe('sync bookkeeping', () => {
      it('persists cursors per portal and stream', async () => {
        await s.sync.setCursor(P, 'contacts', 'after-100', T0);
        await s.sync.setCursor(P, 'contacts', 'after-200', T0 + 1);
        await s.sync.setCursor(Q, 'contacts', 'q', T0);
        expect(await s.sync.getCursor(P, 'contacts')).toBe('after-200');
        await s.sync.clearCursor(P, 'contacts');
        expect(await s.sync.getCursor(P, 'contacts')).toBeNull();
        expect(await s.sync.getCursor(Q, 'contacts')).toBe('q');
      });

      it('saves several cursors in one write, creating and replacing', async () => {
        await s.sync.setCursor(P, 'full:contacts', '100', T0);
        await s.sync.setCursors(P, { 'full:contacts': '200', 'full:done': '{"contacts":200}' }, T0 + 1);
        await s.sync.setCursors(Q, { 'full:contacts': 'q' }, T0);
        expect(await s.sync.getCursor(P, 'full:contacts')).toBe('200');
        expect(await s.sync.getCursor(P, 'full:done')).toBe('{"contacts":200}');
        expect(await s.sync.getCursor(Q, 'full:done')).toBeNull();
      });

      it('records runs, their progress and an interruption after a crash', async () => {
        const run = await s.sync.startRun(P, 'full', T0);
        await s.sync.updateRun(run.id, { phase: 'contacts', done: 300, total: 1000 });
        const other = await s.sync.startRun(P, 'rescore', T0 + 1);
        await s.sync.finishRun(other.id, 'succeeded', null, T0 + 2);
        expect(await s.sync.interruptRunning(T0 + 3)).toBe(1);
        const runs = await s.sync.recentRuns(P, 10);
        expect(runs.map((r) => [r.kind, r.status])).toEqual([
          ['rescore', 'succeeded'],
          ['full', 'interrupted'],
        ]);
        expect(runs[1]?.progress).toEqual({ phase: 'contacts', done: 300, total: 1000 });
      });

      it('adds up API usage per minute', async () => {
        await s.sync.recordApiUsage(P, 100, { calls: 5, throttled: 1, failures: 0 });
        await s.sync.recordApiUsage(P, 100, { calls: 2, throttled: 0, failures: 1 });
        await s.sync.recordApiUsage(P, 50, { calls: 99, throttled: 9, failures: 9 });
        expect(await s.sync.apiUsageSince(P, 60)).toEqual({ calls: 7, throttled: 1, failures: 1 });
      });
    });

    describe('workflow action answers', () => {
      const answer = (persona: string) => ({
        outputFields: {
          matches_persona: 'no' as const,
          persona,
          persona_label: persona,
          persona_score: 42,
          hs_execution_state: 'SUCCESS' as const,
        },
      });

      it('keeps the first answer per portal and callback id', async () => {
        await s.workflowCallbacks.save(P, 'cb-1', answer('analyst'), T0);
        await s.workflowCallbacks.save(P, 'cb-1', answer('buyer'), T0 + 1);
        await s.workflowCallbacks.save(Q, 'cb-1', answer('buyer'), T0);
        expect(await s.workflowCallbacks.get(P, 'cb-1')).toEqual(answer('analyst'));
        expect(await s.workflowCallbacks.get(Q, 'cb-1')).toEqual(answer('buyer'));
        expect(await s.workflowCallbacks.get(P, 'cb-2')).toBeNull();
      });

      it('forgets answers older than the retry horizon', async () => {
        await s.workflowCallbacks.save(P, 'old', answer('a'), T0);
        await s.workflowCallbacks.save(P, 'new', answer('b'), T0 + 10);
        expect(await s.workflowCallbacks.purgeBefore(T0 + 5)).toBe(1);
        expect(await s.workflowCallbacks.get(P, 'old')).toBeNull();
      });
    });

    describe('insights', () => {
      it('stores reports and lists them newest first, per portal and kind', async () => {
        const a = await s.reports.save(P, { kind: 'discovery', title: 'Clusters', createdAt: new Date(T0).toISOString(), body: { k: 5 } });
        const b = await s.reports.save(P, {
          kind: 'review-quarterly',
          title: 'Q1',
          createdAt: new Date(T0 + 1).toISOString(),
          body: { psi: 0.3 },
        });
        await s.reports.save(Q, { kind: 'discovery', title: 'Other portal', createdAt: new Date(T0).toISOString(), body: {} });
        expect((await s.reports.list(P)).map((r) => r.id)).toEqual([b.id, a.id]);
        expect((await s.reports.list(P, { kind: 'discovery' })).map((r) => r.title)).toEqual(['Clusters']);
        expect(await s.reports.get(P, a.id)).toEqual({
          id: a.id,
          kind: 'discovery',
          title: 'Clusters',
          createdAt: new Date(T0).toISOString(),
          body: { k: 5 },
        });
        expect(await s.reports.get(Q, a.id)).toBeNull();
        expect(await s.reports.get(P, 'nope')).toBeNull();
      });

      it("replaces a portal's pilot results whole", async () => {
        const row = (line: number, variant: string) => ({
          line,
          contactId: String(line),
          email: null,
          variant,
          outcome: 'clicked',
          value: 1 as const,
        });
        await s.pilots.replaceImport(P, { fileName: 'a.csv', importedAt: new Date(T0).toISOString(), rows: [row(2, 'A'), row(3, 'B')] });
        const second = await s.pilots.replaceImport(P, {
          fileName: 'b.csv',
          importedAt: new Date(T0 + 1).toISOString(),
          rows: [row(2, 'C')],
        });
        const latest = await s.pilots.latest(P);
        expect(latest).toEqual({ id: second.id, fileName: 'b.csv', importedAt: new Date(T0 + 1).toISOString(), rows: [row(2, 'C')] });
        expect(await s.pilots.latest(Q)).toBeNull();
      });

      it('snapshots effective personas with fired rules, unassigned as null', async () => {
        await s.assignments.saveComputed(
          P,
          [
            { ...computed('1', 'analyst', 60), explanation: { firedRules: [{ label: 'Reads a lot', points: 60 }] } },
            computed('2', 'unassigned', 0),
            computed('3', 'analyst', 45),
          ],
          'sync',
          T0,
        );
        await s.assignments.setOverride(P, '3', { persona: 'buyer', by: null, at: T0 });
        const summary = await s.snapshots.take(P, 'unassigned', T0 + 5);
        expect(summary).toMatchObject({ contacts: 3, unassigned: 1, takenAt: new Date(T0 + 5).toISOString() });
        const snapshot = await s.snapshots.readSnapshot(P, summary.id);
        expect(snapshot?.entries).toEqual([
          { contactId: '1', personaId: 'analyst', score: 60, firedRules: ['Reads a lot'] },
          { contactId: '2', personaId: null, score: 0, firedRules: [] },
          { contactId: '3', personaId: 'buyer', score: 45, firedRules: [] },
        ]);
        // The share chart reads only the counts, in order of first appearance, unassigned as null.
        expect(await s.snapshots.personaCounts(P, [summary.id, '999999', 'x'])).toEqual([
          {
            id: summary.id,
            takenAt: new Date(T0 + 5).toISOString(),
            contacts: 3,
            personas: [
              ['analyst', 1],
              [null, 1],
              ['buyer', 1],
            ],
          },
        ]);
        expect(await s.snapshots.personaCounts(Q, [summary.id])).toEqual([]);
        await s.snapshots.take(P, 'unassigned', T0 + 10);
        expect((await s.snapshots.listSnapshots(P, { since: new Date(T0 + 6).toISOString() })).map((x) => x.takenAt)).toEqual([
          new Date(T0 + 10).toISOString(),
        ]);
        expect(await s.snapshots.purgeBefore(P, T0 + 6)).toBe(1);
      });

      it('keeps discovery runs per portal: created queued, progress updated, newest first', async () => {
        const first = await s.discoveryRuns.create(P, T0);
        expect(first).toMatchObject({ portalId: P, status: 'queued', phase: 'queued', done: 0, total: null, reportId: null, error: null });
        await s.discoveryRuns.update(P, first.id, { status: 'running', phase: 'reading contacts', done: 500, total: 2000 }, T0 + 1);
        expect(await s.discoveryRuns.get(P, first.id)).toMatchObject({ status: 'running', done: 500, total: 2000, updatedAt: T0 + 1 });
        await s.discoveryRuns.update(P, first.id, { status: 'succeeded', phase: 'done', reportId: '17' }, T0 + 2);
        const second = await s.discoveryRuns.create(P, T0 + 3);
        expect((await s.discoveryRuns.latest(P))?.id).toBe(second.id);
        expect(await s.discoveryRuns.get(P, first.id)).toMatchObject({ status: 'succeeded', phase: 'done', done: 500, reportId: '17' });
        // Another portal sees none of them, and cannot change them.
        await s.discoveryRuns.update(Q, first.id, { status: 'failed' }, T0 + 4);
        expect(await s.discoveryRuns.get(Q, first.id)).toBeNull();
        expect(await s.discoveryRuns.latest(Q)).toBeNull();
        expect((await s.discoveryRuns.get(P, first.id))?.status).toBe('succeeded');
      });

      it('streams contacts for analysis with tickets and effective persona', async () => {
        await s.crm.upsertContacts(P, [contact('1'), contact('2')], T0);
        await s.crm.upsertTickets(P, [ticket('a', { hs_ticket_category: 'ONBOARDING' })], T0);
        await s.crm.link(P, [{ contactId: '2', ticketId: 'a' }]);
        await s.assignments.saveComputed(P, [computed('2', 'analyst')], 'sync', T0);
        const seen = [];
        for await (const c of s.analysisContacts.streamForAnalysis(P))
          seen.push({ id: c.id, persona: c.personaId, tickets: c.tickets.length, email: c.email });
        expect(seen).toEqual([
          { id: '1', persona: null, tickets: 0, email: '1@example.com' },
          { id: '2', persona: 'analyst', tickets: 1, email: '2@example.com' },
        ]);
      });
    });

    describe('transactions', () => {
      it('rolls back every write of a failed transaction', async () => {
        await expect(
          storage.db.transaction().execute(async (tx) => {
            await tx.insertInto('audit_log').values({ portal_id: P, actor: 'a', action: 'x', target: 't', diff: '{}', at: T0 }).execute();
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await s.audit.list(P, { limit: 10 })).toEqual([]);
      });

      it('leaves nothing half-written when a batch fails part-way', async () => {
        await s.assignments.saveComputed(P, [computed('1', 'a')], 'sync', T0);
        const bad = { ...computed('2', 'b'), score: Number.NaN as number, personaId: null as unknown as string };
        // Matched by message, not by class: better-sqlite3 builds its errors in the first test file's
        // realm, so in a shared jest worker they are not `instanceof Error` here.
        await expect(s.assignments.saveComputed(P, [computed('1', 'changed'), bad], 'sync', T0 + 1)).rejects.toHaveProperty(
          'message',
          expect.stringMatching(/NOT NULL|not-null/i),
        );
        expect((await s.assignments.get(P, '1'))?.personaId).toBe('a');
        expect(await s.assignments.history(P, { limit: 10 })).toHaveLength(1);
      });
    });

    if (engine === 'postgres') {
      describe('concurrent writers', () => {
        it('loses no update when many writers upsert the same contacts and usage counters at once', async () => {
          const writers = Array.from({ length: 8 }, (_, w) =>
            (async () => {
              for (let i = 0; i < 10; i++) {
                await s.crm.upsertContacts(P, [contact(String(i), { jobtitle: `w${w}` })], T0 + w);
                await s.sync.recordApiUsage(P, 1, { calls: 1, throttled: 0, failures: 0 });
              }
            })(),
          );
          await Promise.all(writers);
          expect((await s.crm.counts(P)).contacts).toBe(10);
          expect((await s.sync.apiUsageSince(P, 0)).calls).toBe(80);
        });
      });
    }
  });
}

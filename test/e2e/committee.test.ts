import { Client } from '@hubspot/api-client';
import type { RuleSet } from '../../src/personas/engine';
import { optionalScopes, requiredScopes } from '../../src/install/app-scopes';
import { fixedClock } from '../../src/platform/clock';
import { SYNC_JOBS } from '../../src/sync/sync-jobs';
import { startAppHarness, TEST_ADMIN_TOKEN, type Harness } from '../support/app-harness';
import { aPersona, aRule, aRuleSet } from '../support/rule-set-builders';

/**
 * The buying committee end to end: the app's writes to `persona_coverage` and `persona_gaps`
 * read back through the real SDK from the sandbox, compared with the spec's values computed from
 * what the sandbox holds (each contact's persona property is its effective persona, hand-set ones
 * included; associations of any label), after a full sync, after webhook changes and after a
 * publish; and HubSpot requests counted so that nothing is written when nothing changed.
 */

jest.setTimeout(120_000);

const title = (pattern: string) => ({ property: 'jobtitle', matches: pattern });
/** Titles decide personas, so company changes move coverage only through links. */
const committeeRules: RuleSet = aRuleSet([
  aPersona({ id: 'economic_buyer', kind: 'buyer', committee: true, rules: [aRule(title('vp|chief|cfo|coo|director|head'), 10)] }),
  aPersona({ id: 'analyst', committee: true, rules: [aRule(title('analyst'), 10)] }),
  aPersona({ id: 'engineer', rules: [aRule(title('engineer|developer'), 10)] }),
  aPersona({ id: 'not_a_fit', kind: 'negative', rules: [aRule(title('student|intern|seeker|apprentice'), 10)] }),
  // Nobody's title makes a champion: only a rep's hand-set value does.
  aPersona({ id: 'champion', committee: true, rules: [aRule(title('^champion of champions$'), 10)] }),
]);

/** The spec's values for every company of the sandbox, from the sandbox's own state; null = no value. */
function expectedValues(h: Harness, ruleSet: RuleSet): Map<string, { coverage: string | null; gaps: string | null }> {
  const store = h.sandbox.data.store(h.portalId);
  const out = new Map<string, { coverage: string | null; gaps: string | null }>();
  for (const company of store.iterate('companies')) {
    const held = new Set(
      h.sandbox.data.contactIdsOfCompany(h.portalId, company.id).map((id) => h.sandbox.data.getContact(h.portalId, id)?.properties.persona),
    );
    if (held.size === 0) {
      out.set(company.id, { coverage: null, gaps: null });
      continue;
    }
    const coverage = ruleSet.personas.filter((p) => p.kind !== 'negative' && held.has(p.id)).map((p) => p.id);
    const gaps = ruleSet.personas.filter((p) => p.committee === true && !coverage.includes(p.id)).map((p) => p.id);
    out.set(company.id, { coverage: coverage.join(';') || null, gaps: gaps.join(';') || null });
  }
  return out;
}

/** What HubSpot holds, read through the SDK. */
async function hubspotValues(h: Harness): Promise<Map<string, { coverage: string | null; gaps: string | null }>> {
  const client = new Client({ accessToken: h.sandbox.tokens.issue(h.portalId).accessToken, basePath: h.sandbox.baseUrl });
  const companies = await client.crm.companies.getAll(100, undefined, ['persona_coverage', 'persona_gaps']);
  return new Map(
    companies.map((c) => [c.id, { coverage: c.properties.persona_coverage || null, gaps: c.properties.persona_gaps || null }]),
  );
}

async function expectSpecValues(h: Harness, ruleSet: RuleSet): Promise<void> {
  expect(Object.fromEntries(await hubspotValues(h))).toEqual(Object.fromEntries(expectedValues(h, ruleSet)));
}

const companyWrites = (h: Harness) => h.sandbox.stats(h.portalId).byPath['POST /crm/v3/objects/companies/batch/update'] ?? 0;

describe('the buying committee on companies', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startAppHarness({
      contacts: 150,
      tuning: { syncOnInstall: false },
      sandbox: { webhooks: { enabled: true, flushMs: 10, retryDelaysMs: [50, 100, 200, 400] } },
    });
    await h.install();
    await h.app.stores.ruleSets.add(
      h.portalId,
      { body: committeeRules, status: 'published', createdBy: 'test', note: 'committee' },
      Date.now(),
    );
    await h.app.services.propertySetup.ensure(h.portalId, committeeRules);
  });

  afterAll(() => h?.close());

  async function settle(): Promise<void> {
    const { sandbox, app } = h;
    for (let round = 0; round < 100; round++) {
      await sandbox.webhooks.settled();
      const last = sandbox.webhooks.deliveries().at(-1)?.deliveryId ?? 0;
      await waitFor(async () => {
        const b = await app.stores.inbox.backlog();
        return b.pending === 0 && b.processing === 0;
      });
      await sandbox.webhooks.flush();
      if ((sandbox.webhooks.deliveries().at(-1)?.deliveryId ?? 0) === last) return;
    }
    throw new Error('webhooks did not settle');
  }

  const store = () => h.sandbox.data.store(h.portalId);
  const personaOf = (contactId: string) => h.sandbox.data.getContact(h.portalId, contactId)?.properties.persona;
  /** A company with several contacts, none of them holding `persona`. */
  const companyWithout = (persona: string, minContacts = 2) =>
    [...store().iterate('companies')].find((c) => {
      const ids = h.sandbox.data.contactIdsOfCompany(h.portalId, c.id);
      return ids.length >= minContacts && ids.every((id) => personaOf(id) !== persona);
    })!;

  it('creates both company properties at install as checkboxes in one group, with options that follow the rule set', async () => {
    const client = new Client({ accessToken: h.sandbox.tokens.issue(h.portalId).accessToken, basePath: h.sandbox.baseUrl });
    const coverage = await client.crm.properties.coreApi.getByName('companies', 'persona_coverage');
    const gaps = await client.crm.properties.coreApi.getByName('companies', 'persona_gaps');
    expect([coverage.type, coverage.fieldType, gaps.type, gaps.fieldType]).toEqual(['enumeration', 'checkbox', 'enumeration', 'checkbox']);
    expect(coverage.groupName).toBe(gaps.groupName);
    const visible = (options: { value: string; hidden: boolean }[]) => options.filter((o) => !o.hidden).map((o) => o.value);
    expect(visible(coverage.options)).toEqual(['economic_buyer', 'analyst', 'engineer', 'champion']);
    expect(visible(gaps.options)).toEqual(['economic_buyer', 'analyst', 'champion']);
    // Created at install from the default rule set; its personas' options are hidden now, never deleted.
    expect(coverage.options.filter((o) => o.hidden).map((o) => o.value)).toEqual(
      expect.arrayContaining(['ops_leader', 'data_analyst', 'developer']),
    );
  });

  it('writes the spec values to every company with contacts after a full sync, in batches of 100, and nothing when nothing changed', async () => {
    await h.app.services.jobs.enqueue(SYNC_JOBS.full, h.portalId);
    await h.app.services.jobs.idle();
    await settle();
    await expectSpecValues(h, committeeRules);
    const withContacts = [...expectedValues(h, committeeRules).values()].filter((v) => v.gaps !== null || v.coverage !== null).length;
    expect(withContacts).toBeGreaterThan(20);
    expect(companyWrites(h)).toBe(Math.ceil(withContacts / 100));

    const before = companyWrites(h);
    await h.app.services.jobs.enqueue(SYNC_JOBS.reconcile, h.portalId);
    await h.app.services.jobs.idle();
    expect((await h.app.services.committee.refreshAll(h.portalId)).requests).toBe(0);
    expect(companyWrites(h)).toBe(before);
  });

  it('follows an association added and removed, from the webhooks alone', async () => {
    const buyer = [...store().iterate('contacts')].find((c) => personaOf(c.id) === 'economic_buyer')!;
    const target = companyWithout('economic_buyer');
    const before = companyWrites(h);
    h.sandbox.data.associateCompany(h.portalId, buyer.id, target.id, false);
    await settle();
    await expectSpecValues(h, committeeRules);
    expect((await hubspotValues(h)).get(target.id)!.coverage).toContain('economic_buyer');
    // One batch for the one company that changed (the buyer's other companies keep their values).
    expect(companyWrites(h)).toBe(before + 1);

    h.sandbox.data.unassociateCompany(h.portalId, buyer.id, target.id);
    await settle();
    await expectSpecValues(h, committeeRules);
    expect((await hubspotValues(h)).get(target.id)!.gaps).toContain('economic_buyer');
  });

  it('follows a persona change, a hand-set persona, a deletion and a merge', async () => {
    // Persona change: an engineer becomes an analyst.
    const engineer = [...store().iterate('contacts')].find(
      (c) => personaOf(c.id) === 'engineer' && h.sandbox.data.companiesOfContact(h.portalId, c.id).length > 0,
    )!;
    h.sandbox.data.updateContact(h.portalId, engineer.id, { jobtitle: 'Senior Data Analyst' });
    await settle();
    expect(personaOf(engineer.id)).toBe('analyst');
    await expectSpecValues(h, committeeRules);

    // Manual override: a rep marks someone a champion, which no rule gives.
    const target = companyWithout('champion');
    const member = h.sandbox.data.contactIdsOfCompany(h.portalId, target.id)[0];
    h.sandbox.data.updateContact(h.portalId, member, { persona: 'champion' });
    await settle();
    expect((await h.app.stores.assignments.get(h.portalId, member))?.override?.persona).toBe('champion');
    expect((await hubspotValues(h)).get(target.id)!.coverage).toContain('champion');
    await expectSpecValues(h, committeeRules);

    // Deletion: the champion leaves for good.
    h.sandbox.data.deleteContact(h.portalId, member);
    await settle();
    await expectSpecValues(h, committeeRules);

    // Merge: two contacts of different companies become one.
    const contacts = [...store().iterate('contacts')].filter((c) => h.sandbox.data.companiesOfContact(h.portalId, c.id).length > 0);
    const [a, b] = [contacts[0], contacts.find((c) => personaOf(c.id) !== personaOf(contacts[0].id))!];
    h.sandbox.data.mergeContacts(h.portalId, a.id, b.id);
    await settle();
    await expectSpecValues(h, committeeRules);
  });

  it("follows an admin's override at once, without waiting for a sync or a webhook", async () => {
    const target = companyWithout('champion');
    const [member] = h.sandbox.data.contactIdsOfCompany(h.portalId, target.id);
    const res = await fetch(`${h.appBaseUrl}/api/admin/portals/${h.portalId}/contacts/${member}/override`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personaId: 'champion' }),
    });
    expect(res.status).toBe(200);
    expect((await hubspotValues(h)).get(target.id)!.coverage).toContain('champion');
    await settle();
    await expectSpecValues(h, committeeRules);
  });

  it('empties a company once when its contacts all leave', async () => {
    const company = [...store().iterate('companies')].find((c) => h.sandbox.data.contactIdsOfCompany(h.portalId, c.id).length === 1)!;
    const [only] = h.sandbox.data.contactIdsOfCompany(h.portalId, company.id);
    expect((await hubspotValues(h)).get(company.id)!.gaps ?? (await hubspotValues(h)).get(company.id)!.coverage).not.toBeNull();
    h.sandbox.data.unassociateCompany(h.portalId, only, company.id);
    await settle();
    expect((await hubspotValues(h)).get(company.id)).toEqual({ coverage: null, gaps: null });
    expect(await h.app.stores.crm.writtenCoverage(h.portalId, [company.id])).toEqual(new Map([[company.id, { coverage: '', gaps: '' }]]));
    const before = companyWrites(h);
    await h.app.services.committee.refreshAll(h.portalId);
    expect(companyWrites(h)).toBe(before);
  });

  it('rewrites the companies a publish changes, with options hidden never deleted', async () => {
    const next = aRuleSet(
      committeeRules.personas.map((p) =>
        p.id === 'analyst' ? { ...p, committee: false } : p.id === 'engineer' ? { ...p, committee: true } : p,
      ),
    );
    const res = await fetch(`${h.appBaseUrl}/api/admin/portals/${h.portalId}/rule-sets/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ruleSet: next, note: 'engineers join the committee' }),
    });
    expect(res.status).toBe(201);
    await h.app.services.jobs.idle();
    await settle();
    await expectSpecValues(h, next);
    const client = new Client({ accessToken: h.sandbox.tokens.issue(h.portalId).accessToken, basePath: h.sandbox.baseUrl });
    const gaps = await client.crm.properties.coreApi.getByName('companies', 'persona_gaps');
    // The default rule set's committee (installed first) stays hidden too.
    expect(
      gaps.options.filter((o) => !['ops_leader', 'data_analyst', 'developer'].includes(o.value)).map((o) => [o.value, o.hidden]),
    ).toEqual([
      ['economic_buyer', false],
      ['analyst', true],
      ['champion', false],
      ['engineer', false],
    ]);
  });
});

describe('the buying committee in an incremental sync', () => {
  let h: Harness;
  afterAll(() => h?.close());

  it('recomputes only the companies of the contacts the sync read, and writes the spec values', async () => {
    const clock = fixedClock(Date.UTC(2026, 10, 1, 12));
    h = await startAppHarness({ contacts: 120, clock, tuning: { syncOnInstall: false } });
    await h.install();
    await h.app.stores.ruleSets.add(
      h.portalId,
      { body: committeeRules, status: 'published', createdBy: 'test', note: 'committee' },
      clock.now(),
    );
    await h.app.services.propertySetup.ensure(h.portalId, committeeRules);
    await h.app.services.sync.fullSync(h.portalId);
    await expectSpecValues(h, committeeRules);
    const store = h.sandbox.data.store(h.portalId);
    const analyst = [...store.iterate('contacts')].find(
      (c) => c.properties.persona === 'analyst' && h.sandbox.data.companiesOfContact(h.portalId, c.id).length > 0,
    )!;
    // Search re-reads a minute before the newest change it saw: with a fixed clock everything the
    // full sync wrote shares one instant, so an unrelated newer contact and company move the
    // watermarks past it first, as time does in a real portal.
    clock.advance(120_000);
    const other = [...store.iterate('contacts')].find((c) => c.id !== analyst.id)!;
    h.sandbox.data.updateContact(h.portalId, other.id, { firstname: 'Touched' });
    h.sandbox.data.updateCompany(h.portalId, [...store.iterate('companies')][0].id, { city: 'Touchedville' });
    clock.advance(1_000);
    await h.app.services.sync.incrementalSync(h.portalId);
    clock.advance(120_000);
    h.sandbox.data.updateContact(h.portalId, analyst.id, { jobtitle: 'Backend Developer' });
    clock.advance(60_000);
    const all = jest.spyOn(h.app.services.committee, 'refreshAll');
    const some = jest.spyOn(h.app.services.committee, 'refreshCompanies');
    await h.app.services.sync.incrementalSync(h.portalId);
    expect(h.sandbox.data.getContact(h.portalId, analyst.id)?.properties.persona).toBe('engineer');
    expect(all).not.toHaveBeenCalled();
    const companies = h.sandbox.data.companiesOfContact(h.portalId, analyst.id).map((l) => l.companyId);
    expect(some).toHaveBeenCalledWith(h.portalId, expect.arrayContaining(companies));
    expect(some.mock.calls[0][1].length).toBeLessThan(10);
    await expectSpecValues(h, committeeRules);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a portal installed before the buying committee (no company write scopes)', () => {
  let h: Harness;
  afterAll(() => h?.close());

  it('keeps its contact properties, syncs and publishes working, and writes no company', async () => {
    const old = [...requiredScopes(), ...optionalScopes()].filter(
      (s) => s !== 'crm.objects.companies.write' && s !== 'crm.schemas.companies.write',
    );
    h = await startAppHarness({ contacts: 60, tuning: { syncOnInstall: false, scopes: old } });
    await h.install();
    await h.app.services.sync.fullSync(h.portalId);
    const client = new Client({ accessToken: h.sandbox.tokens.issue(h.portalId).accessToken, basePath: h.sandbox.baseUrl });
    expect((await client.crm.properties.coreApi.getByName('contacts', 'persona')).name).toBe('persona');
    expect(h.sandbox.stats(h.portalId).byPath['POST /crm/v3/objects/companies/batch/update'] ?? 0).toBe(0);
    expect(Object.keys(await h.app.stores.assignments.distribution(h.portalId)).length).toBeGreaterThan(0);
    expect(await h.app.services.committee.refreshAll(h.portalId)).toMatchObject({ skipped: true, requests: 0 });
    const live = (await h.app.services.ruleSets.live(h.portalId)).ruleSet;
    const res = await fetch(`${h.appBaseUrl}/api/admin/portals/${h.portalId}/rule-sets/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      // The live rule set renamed: no contact moves, so no list or workflow needs confirming.
      body: JSON.stringify({
        ruleSet: { ...live, personas: live.personas.map((p, i) => (i === 0 ? { ...p, name: 'Renamed' } : p)) },
        note: 'still publishes',
      }),
    });
    expect(res.status).toBe(201);
    await h.app.services.jobs.idle();
    expect(h.sandbox.stats(h.portalId).byPath['POST /crm/v3/objects/companies/batch/update'] ?? 0).toBe(0);
  });
});

import type { PropertyBag } from '../../src/crm/model';
import type { RuleSet } from '../../src/personas/engine';
import { fixedClock } from '../../src/platform/clock';
import { startAppHarness, type Harness } from '../support/app-harness';
import { referenceScores } from '../support/personas-reference';
import { aPersona, aRule, aRuleSet } from '../support/rule-set-builders';

/**
 * Companies and survey responses end to end: the real SDK against the sandbox, the stream reading
 * them through the contact pages' associations, the engine scoring them, and the incremental sync
 * keeping them current.
 */

jest.setTimeout(60_000);

const T0 = Date.UTC(2026, 10, 1, 12);

/** Reads firmographics from the primary company and voice of customer from survey responses. */
const accountRuleSet: RuleSet = aRuleSet([
  aPersona({
    id: 'enterprise_buyer',
    kind: 'buyer',
    threshold: 40,
    priority: 2,
    rules: [
      aRule({ company: { property: 'numberofemployees', gte: 500 } }, 25, 'Enterprise account'),
      aRule(
        { company: { property: 'industry', in: ['FINANCIAL_SERVICES', 'INSURANCE', 'HOSPITAL_HEALTH_CARE'] } },
        10,
        'Regulated industry',
      ),
      aRule({ property: 'jobtitle', matches: '\\b(vp|chief|cfo|coo|director|head)\\b' }, 20, 'Executive title'),
      aRule(
        {
          surveys: {
            where: {
              all: [
                { property: 'hs_survey_type', eq: 'NPS' },
                { property: 'hs_value', lte: 6 },
              ],
            },
            withinDays: 365,
            count: { gte: 1 },
          },
        },
        5,
        'Detractor lately',
      ),
    ],
  }),
  aPersona({
    id: 'promoter',
    threshold: 30,
    priority: 1,
    rules: [
      aRule(
        {
          surveys: {
            where: {
              all: [
                { property: 'hs_survey_type', eq: 'NPS' },
                { property: 'hs_value', gte: 9 },
              ],
            },
            count: { gte: 1 },
          },
        },
        30,
        'NPS promoter',
      ),
      aRule({ company: { not: { property: 'numberofemployees', gte: 5000 } } }, 5, 'Not a giant'),
    ],
  }),
  aPersona({
    id: 'unhappy_customer',
    threshold: 20,
    rules: [
      aRule(
        { surveys: { where: { property: 'hs_sentiment', eq: 'NEGATIVE' }, withinDays: 180, count: { gte: 1 } } },
        20,
        'Said something negative',
      ),
    ],
  }),
  aPersona({
    id: 'no_account',
    kind: 'negative',
    threshold: 30,
    rules: [aRule({ not: { company: { property: 'name', exists: true } } }, 30, 'No company')],
  }),
]);

/** The spec's choice of primary persona from reference scores: negative first, then score, priority, list order. */
function referencePersona(ruleSet: RuleSet, scores: Map<string, number>): string {
  const qualifying = ruleSet.personas.filter((p) => scores.get(p.id)! >= p.threshold);
  const negatives = qualifying.filter((p) => p.kind === 'negative');
  const pool = negatives.length > 0 ? negatives : qualifying;
  if (pool.length === 0) return ruleSet.unassigned.id;
  const best = [...pool].sort(
    (a, b) => scores.get(b.id)! - scores.get(a.id)! || b.priority - a.priority || ruleSet.personas.indexOf(a) - ruleSet.personas.indexOf(b),
  );
  return best[0].id;
}

/** What the sandbox holds for a contact, read straight from its store, for the reference reading. */
function sandboxSubject(h: Harness, contactId: string) {
  const store = h.sandbox.data.store(h.portalId);
  const contact = store.get('contacts', contactId)!;
  const primary = store.companyLinksOfContact(contactId).find((l) => l.primary);
  const company = primary ? store.get('companies', primary.companyId) : undefined;
  return {
    properties: contact.properties as PropertyBag,
    tickets: store.ticketIdsOfContact(contactId).map((id) => ({ properties: store.get('tickets', id)!.properties as PropertyBag })),
    company: company ? { properties: company.properties as PropertyBag } : null,
    surveys: store
      .surveyIdsOfContact(contactId)
      .map((id) => ({ properties: store.get('feedback_submissions', id)!.properties as PropertyBag })),
  };
}

/** Publishes a new version the way the admin does, straight through the store (the live version is the highest published). */
async function publish(h: Harness, ruleSet: RuleSet): Promise<void> {
  await h.app.stores.ruleSets.add(h.portalId, { body: ruleSet, status: 'published', createdBy: 'test', note: 'accounts' }, Date.now());
}

function calls(h: Harness, key: string): number {
  return h.sandbox.stats(h.portalId).byPath[key] ?? 0;
}

describe('companies and survey responses, synced and scored', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('assigns every sandbox contact as the reference reading of the rule set says, reading accounts in batches of 100', async () => {
    const clock = fixedClock(T0);
    h = await startAppHarness({ contacts: 400, clock, tuning: { syncOnInstall: false } });
    await h.install();
    await publish(h, accountRuleSet);
    const summary = await h.app.services.sync.fullSync(h.portalId);

    const counts = await h.app.stores.crm.counts(h.portalId);
    expect(counts.companies).toBeGreaterThan(50);
    expect(counts.surveys).toBeGreaterThan(50);
    expect(calls(h, 'GET /crm/v3/objects/contacts')).toBe(4);
    // Related records are read in full batches across pages, never one call per contact.
    expect(calls(h, 'POST /crm/v3/objects/companies/batch/read')).toBe(Math.ceil(counts.companies / 100));
    expect(calls(h, 'POST /crm/v3/objects/feedback_submissions/batch/read')).toBe(Math.ceil(counts.surveys / 100));
    expect(summary.rescore.scored).toBe(400);

    const seen = new Map<string, number>();
    for (const contact of h.sandbox.data.store(h.portalId).iterate('contacts')) {
      const expected = referencePersona(accountRuleSet, referenceScores(accountRuleSet, sandboxSubject(h, contact.id), clock.now()));
      const stored = await h.app.stores.assignments.get(h.portalId, contact.id);
      expect({ contact: contact.id, persona: stored?.personaId }).toEqual({ contact: contact.id, persona: expected });
      seen.set(expected, (seen.get(expected) ?? 0) + 1);
    }
    // The rule set is exercised: every persona and the unassigned bucket hold contacts.
    for (const id of ['enterprise_buyer', 'promoter', 'unhappy_customer', 'no_account']) expect(seen.get(id) ?? 0).toBeGreaterThan(0);
  });

  it("rescores a company's contacts when it changes, and a contact when it gets a new survey response, in the incremental sync", async () => {
    const clock = fixedClock(T0);
    h = await startAppHarness({ contacts: 300, clock, tuning: { syncOnInstall: false } });
    await h.install();
    await publish(h, accountRuleSet);
    await h.app.services.sync.fullSync(h.portalId);
    const store = h.sandbox.data.store(h.portalId);

    // A large company shrinks: its executives stop being enterprise buyers.
    const buyer = [...store.iterate('contacts')].find((c) => {
      const primary = store.companyLinksOfContact(c.id).find((l) => l.primary);
      return (
        primary !== undefined &&
        Number(store.get('companies', primary.companyId)!.properties.numberofemployees) >= 500 &&
        /\b(vp|chief|cfo|coo|director|head)\b/i.test(c.properties.jobtitle ?? '')
      );
    })!;
    const companyId = store.companyLinksOfContact(buyer.id).find((l) => l.primary)!.companyId;
    const before = await h.app.stores.assignments.get(h.portalId, buyer.id);
    h.sandbox.data.updateCompany(h.portalId, companyId, { numberofemployees: '40' });

    // A contact with no responses answers an NPS survey as a promoter.
    const quiet = [...store.iterate('contacts')].find(
      (c) => store.surveyIdsOfContact(c.id).length === 0 && store.companyLinksOfContact(c.id).some((l) => l.primary),
    )!;
    h.sandbox.data.addSurveyResponse(h.portalId, quiet.id, {
      hs_survey_type: 'NPS',
      hs_value: '10',
      hs_sentiment: 'POSITIVE',
      hs_content: 'Love it.',
    });

    clock.advance(60_000);
    const summary = await h.app.services.sync.incrementalSync(h.portalId);
    expect(summary.rescore.scored).toBeGreaterThanOrEqual(2);

    for (const id of [buyer.id, quiet.id]) {
      const expected = referencePersona(accountRuleSet, referenceScores(accountRuleSet, sandboxSubject(h, id), clock.now()));
      expect((await h.app.stores.assignments.get(h.portalId, id))?.personaId).toBe(expected);
    }
    expect((await h.app.stores.assignments.get(h.portalId, quiet.id))?.personaId).toBe('promoter');
    expect((await h.app.stores.assignments.get(h.portalId, buyer.id))?.score).not.toBe(before?.score);
    const stored = (await h.app.stores.crm.getContactsWithTickets(h.portalId, [buyer.id])).get(buyer.id)!;
    expect(stored.company?.properties.numberofemployees).toBe('40');
  });

  it('installs without the survey scope where the edition has no surveys, and then counts no responses', async () => {
    const clock = fixedClock(T0);
    h = await startAppHarness({ contacts: 200, clock, surveys: false, tuning: { syncOnInstall: false } });
    await h.install();
    const portal = await h.app.stores.portals.get(h.portalId);
    expect(portal?.state).toBe('installed');
    expect(portal?.scopes).toContain('crm.objects.companies.read');
    expect(portal?.scopes).not.toContain('crm.objects.feedback_submissions.read');
    await publish(h, accountRuleSet);
    await h.app.services.sync.fullSync(h.portalId);

    expect((await h.app.stores.crm.counts(h.portalId)).surveys).toBe(0);
    expect(Object.keys(h.sandbox.stats(h.portalId).byPath).filter((key) => key.includes('feedback_submissions'))).toEqual([]);
    for (const contact of h.sandbox.data.store(h.portalId).iterate('contacts')) {
      const subject = { ...sandboxSubject(h, contact.id), surveys: [] };
      const expected = referencePersona(accountRuleSet, referenceScores(accountRuleSet, subject, clock.now()));
      expect((await h.app.stores.assignments.get(h.portalId, contact.id))?.personaId).toBe(expected);
    }
  });
});

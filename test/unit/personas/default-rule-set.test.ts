import defaultRuleSet from '../../../config/personas.json';
import type { PropertyBag } from '../../../src/crm/model';
import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import { journeyStages, type RuleSet } from '../../../src/personas/engine/rule-set-schema';
import { formatRuleSetErrors, validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { aContact } from '../../support/rule-set-builders';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * 86_400_000).toISOString();
const ticket = (category: string, priority: string, ageDays: number): PropertyBag => ({
  hs_ticket_category: category,
  hs_ticket_priority: priority,
  createdate: daysAgo(ageDays),
});

function loadDefault(): RuleSet {
  const result = validateRuleSet(defaultRuleSet);
  if (!result.ok) throw new Error(formatRuleSetErrors(result.errors));
  return result.ruleSet;
}

/** One realistic contact per persona, shaped like the sandbox generator's planted groups. */
const typicalContacts: Record<string, { properties: PropertyBag; tickets: PropertyBag[] }> = {
  not_a_fit: {
    properties: {
      jobtitle: 'Student',
      industry: 'EDUCATION',
      numemployees: '1-5',
      email: 'sam.lee@gmail.com',
      lifecyclestage: 'subscriber',
      hs_analytics_source: 'ORGANIC_SEARCH',
      hs_analytics_num_page_views: '4',
    },
    tickets: [],
  },
  ops_leader: {
    properties: {
      jobtitle: 'VP of Operations',
      industry: 'FINANCIAL_SERVICES',
      numemployees: '500-1000',
      hs_analytics_source: 'REFERRALS',
      num_conversion_events: '1',
      hs_email_open: '3',
      hs_email_click: '0',
      hs_analytics_num_page_views: '6',
      lifecyclestage: 'opportunity',
    },
    tickets: [ticket('BILLING_ISSUE', 'MEDIUM', 40)],
  },
  data_analyst: {
    properties: {
      jobtitle: 'Senior Data Analyst',
      industry: 'FINANCIAL_SERVICES',
      numemployees: '100-500',
      hs_analytics_num_page_views: '35',
      hs_email_open: '6',
      hs_email_click: '4',
      hs_analytics_source: 'ORGANIC_SEARCH',
      hs_email_last_open_date: daysAgo(5),
      lifecyclestage: 'customer',
    },
    tickets: [ticket('FEATURE_REQUEST', 'LOW', 30)],
  },
  marketing_ops: {
    properties: {
      jobtitle: 'Marketing Operations Manager',
      industry: 'MARKETING_AND_ADVERTISING',
      numemployees: '50-100',
      hs_email_open: '14',
      hs_email_click: '5',
      hs_email_last_open_date: String(NOW - 2 * 86_400_000),
      hs_analytics_source: 'EMAIL_MARKETING',
      num_conversion_events: '3',
      hs_analytics_num_page_views: '12',
      lifecyclestage: 'marketingqualifiedlead',
    },
    tickets: [],
  },
  support_lead: {
    properties: {
      jobtitle: 'Customer Support Team Lead',
      industry: 'HOSPITAL_HEALTH_CARE',
      numemployees: '100-500',
      lifecyclestage: 'customer',
      hs_analytics_source: 'DIRECT_TRAFFIC',
    },
    tickets: [ticket('PRODUCT_ISSUE', 'URGENT', 5), ticket('ONBOARDING', 'MEDIUM', 20), ticket('GENERAL_INQUIRY', 'LOW', 45)],
  },
  developer: {
    properties: {
      jobtitle: 'Senior Software Engineer',
      industry: 'COMPUTER_SOFTWARE',
      numemployees: '25-50',
      hs_analytics_source: 'ORGANIC_SEARCH',
      hs_analytics_num_page_views: '60',
      hs_email_open: '0',
      lifecyclestage: 'salesqualifiedlead',
    },
    tickets: [ticket('PRODUCT_ISSUE', 'HIGH', 12)],
  },
};

describe('the default rule set (config/personas.json)', () => {
  const ruleSet = loadDefault();
  const compiled = compileRuleSet(ruleSet);

  it('validates', () => {
    expect(validateRuleSet(defaultRuleSet)).toMatchObject({ ok: true });
  });

  it('owns the persona property in the personas group', () => {
    expect(ruleSet.property).toEqual({ name: 'persona', label: 'Persona', groupName: 'personas' });
    expect(ruleSet.unassigned.id).toBe('unassigned');
  });

  it('names a buying committee a new install can show on companies: the economic buyer, the daily user and the integrator', () => {
    expect(ruleSet.personas.filter((p) => p.committee === true).map((p) => p.id)).toEqual(['ops_leader', 'data_analyst', 'developer']);
  });

  it('has 5 to 7 personas with at least one buyer, one negative and several customer personas', () => {
    const kinds = ruleSet.personas.map((persona) => persona.kind);

    expect(ruleSet.personas.length).toBeGreaterThanOrEqual(5);
    expect(ruleSet.personas.length).toBeLessThanOrEqual(7);
    expect(kinds).toContain('buyer');
    expect(kinds).toContain('negative');
    expect(kinds.filter((kind) => kind === 'customer').length).toBeGreaterThanOrEqual(2);
  });

  it('gives every persona a locally served photo, content for every stage and a hypothesis for most', () => {
    for (const persona of ruleSet.personas) {
      expect(persona.profile.photoUrl).toBe(`/static/personas/${persona.id}.svg`);
      for (const stage of journeyStages) expect(persona.profile.content[stage].length).toBeGreaterThan(0);
    }
    expect(ruleSet.personas.filter((persona) => persona.hypothesis).length).toBeGreaterThan(ruleSet.personas.length / 2);
  });

  it('reads demographic, behavioural and support signals', () => {
    expect(compiled.contactProperties).toEqual(
      expect.arrayContaining([
        'jobtitle',
        'industry',
        'numemployees',
        'hs_analytics_num_page_views',
        'hs_email_open',
        'hs_email_click',
        'num_conversion_events',
        'hs_analytics_source',
        'hs_email_last_open_date',
      ]),
    );
    expect(compiled.ticketProperties).toEqual(expect.arrayContaining(['hs_ticket_category', 'hs_ticket_priority', 'createdate']));
  });

  it.each(Object.keys(typicalContacts))('assigns a typical %s contact to that persona', (personaId) => {
    const { properties, tickets } = typicalContacts[personaId];

    const assignment = compiled.assign(aContact(properties, tickets), NOW);

    expect(assignment.personaId).toBe(personaId);
  });

  it('has a typical contact for every persona, so each persona is reachable', () => {
    expect(Object.keys(typicalContacts).sort()).toEqual(ruleSet.personas.map((persona) => persona.id).sort());
  });

  it('leaves a contact with no signals unassigned', () => {
    expect(compiled.assign(aContact({ lifecyclestage: 'lead' }), NOW).personaId).toBe('unassigned');
  });

  it('filters a student out even when the student also looks like an analyst', () => {
    const student = { ...typicalContacts.data_analyst.properties, jobtitle: 'Student data analyst', industry: 'EDUCATION' };

    const assignment = compiled.assign(aContact(student, typicalContacts.data_analyst.tickets), NOW);

    expect(assignment.personaId).toBe('not_a_fit');
  });

  it('reads company size and industry from the primary company when it has them, and from the contact otherwise', () => {
    const firedFor = (contact: Parameters<typeof compiled.explainAll>[0], personaId: string, label: string) =>
      compiled
        .explainAll(contact, NOW)
        .personas.find((p) => p.personaId === personaId)!
        .rules.find((r) => r.label === label)!.fired;
    const leader = { jobtitle: 'VP of Operations', numemployees: '1-5' };

    expect(
      firedFor(
        { ...aContact(leader), company: { properties: { numberofemployees: '5200' } } },
        'ops_leader',
        'Company of 100 or more employees',
      ),
    ).toBe(true);
    expect(
      firedFor(
        { ...aContact({ ...leader, numemployees: '1000+' }), company: { properties: { numberofemployees: '12' } } },
        'ops_leader',
        'Company of 100 or more employees',
      ),
    ).toBe(false);
    expect(firedFor(aContact({ ...leader, numemployees: '1000+' }), 'ops_leader', 'Company of 100 or more employees')).toBe(true);
    expect(
      firedFor(
        { ...aContact({ industry: 'RETAIL' }), company: { properties: { industry: 'FINANCIAL_SERVICES' } } },
        'data_analyst',
        'Financial services, software or health care',
      ),
    ).toBe(true);
  });

  it('weighs a recent NPS detractor against the champion persona', () => {
    const { properties, tickets } = typicalContacts.data_analyst;
    const nps = (value: string, daysAgo: number) => ({
      properties: { hs_survey_type: 'NPS', hs_value: value, hs_createdate: new Date(NOW - daysAgo * 86_400_000).toISOString() },
    });
    const score = (surveys: { properties: Record<string, string> }[]) =>
      compiled.explainAll({ ...aContact(properties, tickets), surveys }, NOW).personas.find((p) => p.personaId === 'data_analyst')!.score;

    expect(score([nps('3', 20)])).toBe(score([]) - 15);
    expect(score([nps('9', 20)])).toBe(score([]));
    expect(score([nps('3', 200)])).toBe(score([]));
  });

  it('does not filter out the founder of a small company who uses a free email address', () => {
    const founder = { jobtitle: 'Founder & CEO', numemployees: '1-5', email: 'me@gmail.com', industry: 'RETAIL' };

    expect(compiled.assign(aContact(founder), NOW).kind).not.toBe('negative');
  });
});

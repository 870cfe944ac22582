import type { BuildCompanyCardViewInput, CompanyCardContactInput } from '../../../src/card-api/build-company-card-view';
import { committeeCoverage } from '../../../src/committee/coverage';
import type { PropertyBag } from '../../../src/crm/model';
import { compileRuleSet, type RuleSet } from '../../../src/personas/engine';
import { aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';

export const NOW = Date.parse('2026-11-28T12:00:00Z');

/** A committee of three (economic buyer, analyst, engineer), one persona outside it and one negative. */
export const committeeRuleSet: RuleSet = aRuleSet([
  aPersona({
    id: 'economic_buyer',
    name: 'Economic Buyer',
    kind: 'buyer',
    threshold: 55,
    committee: true,
    rules: [
      aRule({ property: 'jobtitle', contains: 'Chief' }, 35, 'C-level title'),
      aRule({ property: 'budget_owner', eq: 'true' }, 20, 'Owns a budget'),
      aRule({ property: 'demo_requested', eq: 'true' }, 15, 'Requested a demo'),
    ],
  }),
  aPersona({
    id: 'analyst',
    name: 'Hands-on Analyst',
    kind: 'customer',
    threshold: 30,
    committee: true,
    rules: [aRule({ property: 'jobtitle', contains: 'Analyst' }, 30, 'Analyst title')],
  }),
  aPersona({
    id: 'engineer',
    name: 'Integration Engineer',
    kind: 'customer',
    threshold: 40,
    committee: true,
    rules: [
      aRule({ property: 'jobtitle', contains: 'Engineer' }, 30, 'Engineering title'),
      aRule({ property: 'reads_docs', eq: 'true' }, 15, 'Reads the documentation'),
    ],
  }),
  aPersona({
    id: 'marketer',
    name: 'Marketing Ops',
    kind: 'customer',
    threshold: 30,
    rules: [aRule({ property: 'jobtitle', contains: 'Marketing' }, 30, 'Marketing title')],
  }),
  aPersona({
    id: 'student',
    name: 'Student',
    kind: 'negative',
    threshold: 30,
    rules: [aRule({ property: 'jobtitle', contains: 'Student' }, 30, 'Student title')],
  }),
]);

const compiled = compileRuleSet(committeeRuleSet);

/**
 * A contact as the card service gives it to the builder: evaluated by the real engine; its effective
 * persona is the computed one unless `manual` says otherwise (null: a hand-set "no persona").
 */
export function aCompanyContact(id: string, properties: PropertyBag, manual?: string | null): CompanyCardContactInput {
  const evaluation = compiled.explainAll({ properties, tickets: [] }, NOW);
  const computed = evaluation.assignment.assigned ? evaluation.assignment.personaId : null;
  return { id, properties, effectivePersonaId: manual === undefined ? computed : manual, evaluations: evaluation.personas };
}

/** Coverage and gaps from the committee module, as the card service computes them. */
export function expectedCoverage(contacts: readonly CompanyCardContactInput[]): { coverage: string[]; gaps: string[] } {
  return committeeCoverage(
    committeeRuleSet,
    contacts.map((c) => c.effectivePersonaId),
  );
}

export function aCompanyInput(contacts: readonly CompanyCardContactInput[], overrides: Partial<BuildCompanyCardViewInput> = {}) {
  return {
    portalId: 123,
    companyId: '900',
    company: { properties: { name: 'Acme Corp', domain: 'acme.example', industry: 'COMPUTER_SOFTWARE' } },
    ruleSet: committeeRuleSet,
    contacts,
    ...expectedCoverage(contacts),
    now: NOW,
    ...overrides,
  } satisfies BuildCompanyCardViewInput;
}

/** Every committee persona held, two of them by several people. */
export const fullCommittee = [
  aCompanyContact('11', { firstname: 'Ada', lastname: 'Chief', jobtitle: 'Chief Financial Officer', budget_owner: 'true' }),
  aCompanyContact('12', { firstname: 'Ben', lastname: 'Berg', jobtitle: 'Data Analyst' }),
  aCompanyContact('13', { firstname: 'Cleo', lastname: 'Cruz', jobtitle: 'Senior Analyst' }),
  aCompanyContact('14', { firstname: 'Dan', lastname: 'Dietz', jobtitle: 'BI Analyst' }),
  aCompanyContact('15', { firstname: 'Eve', lastname: 'Eklund', jobtitle: 'Lead Analyst' }),
  aCompanyContact('16', { firstname: 'Finn', lastname: 'Fox', jobtitle: 'Software Engineer', reads_docs: 'true' }),
];

/** No economic buyer and no engineer: Jane is close to the first, Tom less so, Mia holds another persona. */
export const committeeWithGaps = [
  aCompanyContact('21', { firstname: 'Jane', lastname: 'Roe', jobtitle: 'Chief of Staff' }),
  aCompanyContact('22', { firstname: 'Tom', lastname: 'Tate', jobtitle: 'Office Manager', budget_owner: 'true' }),
  aCompanyContact('23', { firstname: 'Mia', lastname: 'Moss', jobtitle: 'Marketing Lead', demo_requested: 'true' }),
  aCompanyContact('24', { firstname: 'Al', lastname: 'Ames', jobtitle: 'Analyst' }),
  aCompanyContact('25', { email: 'intern@acme.example', jobtitle: 'Student intern' }),
  aCompanyContact('26', { firstname: 'Nora', lastname: 'Null', jobtitle: 'Receptionist' }),
];

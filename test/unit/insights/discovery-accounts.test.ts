import { discoverPersonas } from '../../../src/insights/discover-personas';
import type { AnalysisContact } from '../../../src/insights/feature-catalogue';
import { extractFeatures } from '../../../src/insights/feature-extraction';
import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import { validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { suggestionsToDraftRuleSet } from '../../../src/insights/draft-persona';
import { aRuleSet } from '../../support/rule-set-builders';
import { adjustedRandIndex } from '../../../src/insights/adjusted-rand-index';
import { plantedPortal, withAccounts } from './support/planted-data';

const NOW = Date.parse('2026-11-01T00:00:00Z');

/**
 * Two groups that differ only by their companies and what they say: engineers at mid-size software
 * companies who are NPS detractors complaining about exports, and engineers at large banks who are
 * promoters praising the reports. Their own properties are alike, so only company and survey
 * features can tell them apart.
 */
function accountsPortal(perGroup: number): { contacts: AnalysisContact[]; groups: string[] } {
  const contacts: AnalysisContact[] = [];
  const groups: string[] = [];
  let seed = 11;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < perGroup * 2; i++) {
    const unhappy = i % 2 === 0;
    const employees = unhappy ? 200 + Math.floor(next() * 700) : 5000 + Math.floor(next() * 20000);
    const score = unhappy ? Math.floor(next() * 5) : 9 + Math.floor(next() * 2);
    contacts.push({
      id: String(i + 1),
      properties: {
        jobtitle: 'Software Engineer',
        hs_analytics_num_page_views: String(10 + Math.floor(next() * 5)),
        hs_email_delivered: '10',
        hs_email_open: String(3 + Math.floor(next() * 2)),
      },
      tickets: [],
      company: {
        properties: { name: `Co ${i}`, industry: unhappy ? 'COMPUTER_SOFTWARE' : 'BANKING', numberofemployees: String(employees) },
      },
      surveys: [
        {
          properties: {
            hs_survey_type: 'NPS',
            hs_value: String(score),
            hs_sentiment: unhappy ? 'NEGATIVE' : 'POSITIVE',
            hs_content: unhappy ? 'The export keeps failing and export is slow' : 'Reports are wonderful',
            hs_createdate: '2026-10-01T00:00:00Z',
          },
        },
      ],
      personaId: null,
    });
    groups.push(unhappy ? 'unhappy' : 'happy');
  }
  return { contacts, groups };
}

describe('discovery with companies and survey responses', () => {
  const { contacts, groups } = accountsPortal(150);
  const extracted = extractFeatures(contacts, { now: NOW });
  const outcome = discoverPersonas(extracted, { portalId: 1, now: NOW }, { seed: 4, minK: 2, maxK: 4 });

  it('clusters on company and survey features, and names them', () => {
    const names = extracted.features.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'nps_detractor_answers',
        'nps_promoter_answers',
        'negative_survey_answers',
        'company_industry_computer_software',
        'company_industry_banking',
        'company_employees_200',
        'company_employees_5000',
      ]),
    );
    expect(outcome.report.k).toBe(2);
    const labelOf = new Map(groups.map((g, i) => [g, outcome.labels[i]]));
    expect(groups.every((g, i) => outcome.labels[i] === labelOf.get(g))).toBe(true);
  });

  it('describes each cluster by its companies, its NPS and the words of its survey comments', () => {
    const unhappy = outcome.report.clusters.find((c) => c.index === outcome.labels[0])!;
    const happy = outcome.report.clusters.find((c) => c.index === outcome.labels[1])!;
    expect(unhappy.summary).toContain('Mostly 200–999 employee companies in Computer software (100%).');
    expect(unhappy.summary).toContain('NPS mostly ≤ 6 (100% of the 150 who answered).');
    expect(unhappy.commentWords.map((w) => w.word)).toEqual(expect.arrayContaining(['export', 'failing']));
    expect(unhappy.summary).toMatch(/Their survey comments mention export/);
    expect(happy.summary).toContain('Mostly 5,000+ employee companies in Banking (100%).');
    expect(happy.npsBands).toEqual([{ value: 'promoter (9–10)', count: 150, share: 1, overallShare: 0.5 }]);
  });

  it('drafts rules that read the company and the survey responses, and that the engine accepts', () => {
    const draft = suggestionsToDraftRuleSet(
      aRuleSet([]),
      outcome.report.clusters.map((c) => c.suggestion),
    );
    const validation = validateRuleSet(draft);
    if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
    const json = JSON.stringify(draft);
    expect(json).toContain('"company"');
    expect(json).toContain('"surveys"');
    // The drafted rules select their own cluster on the same contacts.
    const compiled = compileRuleSet(validation.ruleSet);
    const unhappyId = outcome.report.clusters.find((c) => c.index === outcome.labels[0])!.suggestion.persona.id;
    const assigned = contacts.filter((_, i) => groups[i] === 'unhappy').map((c) => compiled.assign(c, NOW).personaId);
    expect(assigned.filter((id) => id === unhappyId).length / assigned.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe('discovery on a sandbox portal with its companies and survey answers', () => {
  it('still recovers the planted groups (they differ in company size and NPS too), and says so in words', () => {
    const planted = plantedPortal(5, 2000);
    const contacts = withAccounts(planted.portal, planted.contacts);
    const outcome = discoverPersonas(
      extractFeatures(contacts, { now: planted.portal.referenceTime }),
      { portalId: 1, now: 0 },
      { seed: 3 },
    );
    const kept = planted.groups.map((group, i) => (group === 'noise' ? -1 : i)).filter((i) => i >= 0);
    const ari = adjustedRandIndex(
      kept.map((i) => planted.groups[i]),
      kept.map((i) => outcome.labels[i]),
    );
    // Without companies and surveys this seed recovers 0.91; with them 0.98 (measured when this was written).
    expect(ari).toBeGreaterThanOrEqual(0.9);
    const summaries = outcome.report.clusters.map((c) => c.summary).join(' ');
    expect(summaries).toMatch(/NPS mostly (≤ 6|≥ 9|7–8)/);
    expect(summaries).toMatch(/Their survey comments mention /);
    expect(outcome.report.clusters.some((c) => c.companySizes.length > 0)).toBe(true);
  });
});

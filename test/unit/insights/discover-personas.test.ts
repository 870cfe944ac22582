import defaultRuleSet from '../../../config/personas.json';
import { adjustedRandIndex } from '../../../src/insights/adjusted-rand-index';
import { discoverPersonas, type DiscoveryOutcome } from '../../../src/insights/discover-personas';
import { suggestionsToDraftRuleSet } from '../../../src/insights/draft-persona';
import { extractFeatures } from '../../../src/insights/feature-extraction';
import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import { personaSchema, type RuleSet } from '../../../src/personas/engine/rule-set-schema';
import { validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { plantedPortal } from './support/planted-data';

function liveRuleSet(): RuleSet {
  const validation = validateRuleSet(defaultRuleSet);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  return validation.ruleSet;
}

/** ARI against the planted groups, over contacts that belong to one (the generator's noise has none). */
function plantedAri(groups: readonly string[], labels: ArrayLike<number>): number {
  const kept = groups.map((group, i) => (group === 'noise' ? -1 : i)).filter((i) => i >= 0);
  return adjustedRandIndex(
    kept.map((i) => groups[i]),
    kept.map((i) => labels[i]),
  );
}

describe('discoverPersonas on a sandbox portal with planted groups', () => {
  const planted = plantedPortal(21, 2000);
  const extracted = extractFeatures(planted.contacts, { now: planted.portal.referenceTime });
  let outcome: DiscoveryOutcome;

  beforeAll(() => {
    outcome = discoverPersonas(extracted, { portalId: 42, now: planted.portal.referenceTime, liveRuleSet: liveRuleSet() }, { seed: 3 });
  });

  it('recovers the planted groups with an adjusted Rand index of at least 0.8', () => {
    expect(plantedAri(planted.groups, outcome.labels)).toBeGreaterThanOrEqual(0.8);
    expect(outcome.report.k).toBeGreaterThanOrEqual(6);
    expect(outcome.report.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(outcome.report.silhouette).toBe(Math.max(...outcome.report.candidates.map((c) => c.silhouette)));
  });

  it('gives the same clusters for the same seed', () => {
    const options = { seed: 9, fitSampleSize: 500, silhouetteSampleSize: 300, restarts: 2 };
    const first = discoverPersonas(extracted, { portalId: 42, now: 0 }, options);
    const again = discoverPersonas(extracted, { portalId: 42, now: 0 }, options);
    expect(Array.from(again.labels)).toEqual(Array.from(first.labels));
    expect(again.report.candidates).toEqual(first.report.candidates);
  });

  it('says when it sampled, and still recovers the groups from a sample', () => {
    expect(outcome.report.sampling).toMatchObject({ sampled: false, fitSample: 2000, silhouetteSample: 2000 });
    expect(outcome.report.sampling.description).toMatch(/No sampling: all 2,000 contacts/);
    const sampled = discoverPersonas(extracted, { portalId: 42, now: 0 }, { seed: 5, fitSampleSize: 800, silhouetteSampleSize: 400 });
    expect(sampled.report.sampling).toMatchObject({ sampled: true, fitSample: 800, silhouetteSample: 400 });
    expect(sampled.report.sampling.description).toMatch(/random sample of 800 of 2,000 contacts and scored by silhouette on 400/);
    expect(plantedAri(planted.groups, sampled.labels)).toBeGreaterThanOrEqual(0.8);
  });

  it('describes clusters by size, largest effect sizes, titles, industries, tickets and subject words', () => {
    const { clusters } = outcome.report;
    expect(clusters.reduce((sum, c) => sum + c.size, 0)).toBe(2000);
    expect(clusters.map((c) => c.size)).toEqual([...clusters.map((c) => c.size)].sort((a, b) => b - a));
    const groupOfCluster = (index: number) => {
      const counts = new Map<string, number>();
      outcome.labels.forEach((label, i) => {
        if (label === index) counts.set(planted.groups[i], (counts.get(planted.groups[i]) ?? 0) + 1);
      });
      return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    };
    const students = clusters.find((c) => groupOfCluster(c.index) === 'unqualified')!;
    expect(students.industries[0]).toMatchObject({ value: 'EDUCATION' });
    expect(students.suggestion.persona.kind).toBe('negative');
    expect(students.distinguishing.length).toBeGreaterThan(0);
    const effects = students.distinguishing.map((f) => Math.abs(f.effectSize));
    expect(effects).toEqual([...effects].sort((a, b) => b - a));
    const support = clusters.find((c) => groupOfCluster(c.index) === 'support_lead')!;
    expect(support.ticketCategories[0].value).toBe('PRODUCT_ISSUE');
    expect(support.subjectWords.length).toBeGreaterThan(0);
    expect(support.subjectWords.map((w) => w.word)).not.toContain('the');
    expect(support.suggestion.persona.kind).toBe('customer');
    const analysts = clusters.find((c) => groupOfCluster(c.index) === 'hands_on_analyst')!;
    expect(analysts.summary).toMatch(/analyst/i);
  });

  it('proposes draft personas that pass the rule-set schema and, run by the engine, select their clusters', () => {
    const suggestions = outcome.report.clusters.map((c) => c.suggestion);
    for (const suggestion of suggestions) expect(personaSchema.safeParse(suggestion.persona).success).toBe(true);
    const base = liveRuleSet();
    const draft = suggestionsToDraftRuleSet({ ...base, personas: [] }, suggestions);
    const validation = validateRuleSet(draft);
    expect(validation.ok).toBe(true);
    const engine = compileRuleSet(draft);
    const idOfCluster = new Map(suggestions.map((s) => [s.persona.id, s.clusterIndex]));
    const engineLabels = planted.contacts.map((contact) => {
      const assigned = engine.assign(contact, planted.portal.referenceTime).personaId;
      return idOfCluster.get(assigned) ?? -1;
    });
    expect(adjustedRandIndex(engineLabels, Array.from(outcome.labels))).toBeGreaterThanOrEqual(0.7);
  });

  it('appends chosen suggestions to the live rule set with unique ids, leaving it untouched', () => {
    const base = liveRuleSet();
    const before = JSON.stringify(base);
    const first = outcome.report.clusters[0].suggestion;
    const clash = { ...first.persona, id: base.personas[0].id };
    const draft = suggestionsToDraftRuleSet(base, [first, clash]);
    expect(JSON.stringify(base)).toBe(before);
    expect(draft.personas.map((p) => p.id)).toEqual([...base.personas.map((p) => p.id), first.persona.id, `${base.personas[0].id}_2`]);
    expect(validateRuleSet(draft).ok).toBe(true);
  });

  it('keeps draft ids clear of the live personas', () => {
    const live = new Set(liveRuleSet().personas.map((p) => p.id));
    for (const cluster of outcome.report.clusters) expect(live.has(cluster.suggestion.persona.id)).toBe(false);
  });
});

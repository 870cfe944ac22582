import type { Hypothesis, Persona, PersonaKind, RuleSet } from '../personas/engine';
import type { ClusterDescription, FeatureContrast } from './describe-clusters';
import type { FeatureDescriptor } from './feature-catalogue';
import type { ExtractedFeatures } from './feature-extraction';
import { type CandidateRule, capitalise, indicatorRule, numericRule } from './draft-rules';

export interface DraftRuleEvidence {
  readonly label: string;
  readonly points: number;
  /** Share of the cluster / of everyone else for whom the rule fires, judged on the analysed data. */
  readonly firesInCluster: number;
  readonly firesInRest: number;
}

export interface DraftPersonaSuggestion {
  readonly clusterIndex: number;
  readonly persona: Persona;
  readonly kindReason: string;
  readonly rules: readonly DraftRuleEvidence[];
  /**
   * How well the draft selects its cluster on the analysed contacts, computed from the extracted
   * features (not by the engine); the admin preview runs the real engine.
   */
  readonly estimate: { readonly precision: number; readonly recall: number; readonly selected: number };
}

const MAX_NUMERIC_RULES = 4;
const MAX_CATEGORY_RULES = 3;
const MIN_RULE_EFFECT = 0.5;
const PLACEHOLDER_PHOTO = 'https://example.com/personas/placeholder.png';

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function guessKind(description: ClusterDescription): { kind: PersonaKind; reason: string } {
  const customerShare = description.lifecycleStages
    .filter((stage) => stage.value === 'customer' || stage.value === 'evangelist')
    .reduce((sum, stage) => sum + stage.share, 0);
  if (customerShare >= 0.5) {
    return { kind: 'customer', reason: `${Math.round(customerShare * 100)}% are already customers or evangelists` };
  }
  const engagement = description.contrasts.filter((c) => ['page_views', 'email_opens', 'conversions'].includes(c.feature));
  if (engagement.length === 3 && engagement.every((c) => c.effectSize <= -0.8)) {
    return { kind: 'negative', reason: 'page views, email opens and conversions are all far below the rest of the portal' };
  }
  return { kind: 'buyer', reason: `mostly not yet customers (${Math.round(customerShare * 100)}% are) and engaged enough to be prospects` };
}

function proposeHypothesis(description: ClusterDescription): Hypothesis | undefined {
  const byName = new Map(description.contrasts.map((c) => [c.feature, c]));
  const candidates: { metric: Hypothesis['metric']; contrast: FeatureContrast | undefined }[] = [
    { metric: 'email_click_rate', contrast: byName.get('email_click_rate') },
    { metric: 'email_open_rate', contrast: byName.get('email_open_rate') },
  ];
  const strongest = candidates
    .filter((c): c is { metric: Hypothesis['metric']; contrast: FeatureContrast } => c.contrast !== undefined)
    .sort((a, b) => Math.abs(b.contrast.effectSize) - Math.abs(a.contrast.effectSize))[0];
  if (!strongest || Math.abs(strongest.contrast.effectSize) < MIN_RULE_EFFECT) return undefined;
  const rate = strongest.contrast.clusterMean;
  // A margin below (above) the observed mean so that a pilot has room to confirm it.
  const value =
    strongest.contrast.effectSize > 0 ? Math.floor(rate * 0.8 * 1000) / 1000 : Math.min(1, Math.ceil(rate * 1.25 * 1000) / 1000);
  return { metric: strongest.metric, op: strongest.contrast.effectSize > 0 ? 'gte' : 'lte', value };
}

function chooseThreshold(rules: readonly CandidateRule[], points: readonly number[], inCluster: Uint8Array) {
  const n = inCluster.length;
  const scores = new Float64Array(n);
  rules.forEach((rule, r) => {
    for (let i = 0; i < n; i++) if (rule.fires[i]) scores[i] += points[r];
  });
  const clusterSize = inCluster.reduce((sum, v) => sum + v, 0);
  const possible = new Set<number>([0]);
  for (const p of points) for (const s of [...possible]) possible.add(s + p);
  let best = { threshold: points.reduce((a, b) => a + b, 0), f1: -1, precision: 0, recall: 0, selected: 0 };
  for (const threshold of [...possible].filter((t) => t > 0).sort((a, b) => a - b)) {
    let tp = 0;
    let selected = 0;
    for (let i = 0; i < n; i++) {
      if (scores[i] >= threshold) {
        selected++;
        if (inCluster[i]) tp++;
      }
    }
    const precision = selected > 0 ? tp / selected : 0;
    const recall = tp / Math.max(1, clusterSize);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > best.f1) best = { threshold, f1, precision, recall, selected };
  }
  return best;
}

function draftName(rules: readonly CandidateRule[], titleKeywords: readonly string[], index: number): string {
  if (titleKeywords.length > 0) {
    const words = titleKeywords.slice(0, 2).map(capitalise).join(' / ');
    return `${words} group`;
  }
  return rules.length > 0 ? `Group ${index + 1}: ${rules[0].label.toLowerCase()}` : `Group ${index + 1}`;
}

/**
 * A draft persona per cluster whose rules (in the rule-set language) select that cluster:
 * one rule per strongly distinguishing behaviour or ticket feature, one for dominant title
 * keywords, one each for over-represented industries and company sizes; points follow the
 * effect size and the threshold is the score that best separates the cluster (F1).
 */
export function proposeDraftPersonas(
  extracted: ExtractedFeatures,
  labels: ArrayLike<number>,
  descriptions: readonly ClusterDescription[],
  existingIds: readonly string[] = [],
): DraftPersonaSuggestion[] {
  const taken = new Set(existingIds);
  return descriptions.map((description) => {
    const inCluster = new Uint8Array(extracted.n);
    for (let i = 0; i < extracted.n; i++) inCluster[i] = labels[i] === description.index ? 1 : 0;
    const byFeature = extracted.features.map((feature, j) => ({ feature, contrast: description.contrasts[j], j }));
    const strong = byFeature.filter((f) => Math.abs(f.contrast.effectSize) >= MIN_RULE_EFFECT);
    const numeric = strong
      .filter((f) => f.feature.unit !== 'indicator' && f.feature.rule.kind !== 'none')
      .sort((a, b) => Math.abs(b.contrast.effectSize) - Math.abs(a.contrast.effectSize))
      .map((f) => numericRule(f.feature, f.contrast, extracted, f.j, inCluster))
      .filter((rule): rule is CandidateRule => rule !== null)
      .slice(0, MAX_NUMERIC_RULES);
    const overRepresented = (block: FeatureDescriptor['block']) =>
      strong
        .filter((f) => f.feature.block === block && f.contrast.effectSize > 0 && f.contrast.clusterMean >= 0.1)
        .sort((a, b) => b.contrast.effectSize - a.contrast.effectSize)
        .slice(0, 4);
    const titleFeatures = overRepresented('title');
    // One rule per way of writing it: a contact property and the primary company's are different rules.
    const byHint = (found: typeof titleFeatures) =>
      [...new Set(found.map((f) => f.feature.rule.kind))].map((kind) => found.filter((f) => f.feature.rule.kind === kind));
    const categorical = [
      indicatorRule(titleFeatures, extracted),
      ...byHint(overRepresented('industry')).map((group) => indicatorRule(group, extracted)),
      ...byHint(overRepresented('company-size')).map((group) => indicatorRule(group, extracted)),
    ]
      .filter((rule): rule is CandidateRule => rule !== null)
      .slice(0, MAX_CATEGORY_RULES);
    const rules = [...numeric, ...categorical].sort((a, b) => b.effect - a.effect);
    const points = rules.map((rule) => Math.max(5, Math.round(10 * Math.min(3, rule.effect))));
    const fit = chooseThreshold(rules, points, inCluster);

    const name = draftName(
      rules,
      titleFeatures.map((f) => (f.feature.rule as { keyword: string }).keyword),
      description.index,
    );
    let id = `draft_${slug(name)}`.slice(0, 60).replace(/_+$/, '');
    for (let suffix = 2; taken.has(id); suffix++) id = `${`draft_${slug(name)}`.slice(0, 58)}_${suffix}`;
    taken.add(id);
    const { kind, reason } = guessKind(description);
    const hypothesis = proposeHypothesis(description);
    const clusterSize = description.size;
    const persona: Persona = {
      id,
      name,
      kind,
      priority: 0,
      threshold: fit.threshold,
      profile: {
        bio: description.summary,
        photoUrl: PLACEHOLDER_PHOTO,
        goals: [],
        challenges: [],
        channels: [],
        objections: [],
        talkingPoints: [],
        content: { awareness: [], consideration: [], decision: [], advocacy: [] },
      },
      rules: rules.map((rule, r) => ({ label: rule.label, points: points[r], when: rule.when })),
      ...(hypothesis ? { hypothesis } : {}),
    };
    return {
      clusterIndex: description.index,
      persona,
      kindReason: reason,
      rules: rules.map((rule, r) => {
        let inside = 0;
        let outside = 0;
        for (let i = 0; i < extracted.n; i++) {
          if (rule.fires[i]) {
            if (inCluster[i]) inside++;
            else outside++;
          }
        }
        return {
          label: rule.label,
          points: points[r],
          firesInCluster: inside / Math.max(1, clusterSize),
          firesInRest: outside / Math.max(1, extracted.n - clusterSize),
        };
      }),
      estimate: { precision: fit.precision, recall: fit.recall, selected: fit.selected },
    };
  });
}

/**
 * The live rule set with the chosen suggestions appended as draft personas (ids made unique
 * against the base); the base is not modified. The result still has to pass the rule-set
 * validation and be previewed before it goes live.
 */
export function suggestionsToDraftRuleSet(base: RuleSet, chosen: readonly (DraftPersonaSuggestion | Persona)[]): RuleSet {
  const taken = new Set(base.personas.map((persona) => persona.id));
  taken.add(base.unassigned.id);
  const added = chosen.map((item) => {
    const persona = 'persona' in item ? item.persona : item;
    let id = persona.id;
    for (let suffix = 2; taken.has(id); suffix++) id = `${persona.id.slice(0, 60)}_${suffix}`;
    taken.add(id);
    return structuredClone({ ...persona, id });
  });
  return { ...structuredClone(base), personas: [...structuredClone(base.personas), ...added] };
}

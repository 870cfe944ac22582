import type { PropertyBag } from '../crm/model';
import { type Hypothesis, type Persona, parseNumberValue, presentValue } from '../personas/engine';
import type { Interval, PilotAnalysis } from './pilot-statistics';
import { wilsonInterval } from './pilot-statistics';
import { normalQuantile } from './statistical-distributions';

interface RatioSums {
  n: number;
  x: number;
  y: number;
  xx: number;
  yy: number;
  xy: number;
}

export interface PersonaMetricTotals {
  readonly contacts: number;
  readonly opens: RatioSums;
  readonly clicks: RatioSums;
  readonly converted: number;
  readonly customers: number;
}

const emptyRatio = (): RatioSums => ({ n: 0, x: 0, y: 0, xx: 0, yy: 0, xy: 0 });

function count(properties: PropertyBag, name: string): number {
  const value = presentValue(properties[name]);
  if (value === null) return 0;
  const parsed = parseNumberValue(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

function addRatio(sums: RatioSums, x: number, y: number): void {
  sums.n++;
  sums.x += x;
  sums.y += y;
  sums.xx += x * x;
  sums.yy += y * y;
  sums.xy += x * y;
}

/** Streams contacts into the per-persona sums the hypothesis metrics need (docs/rule-language.md, Hypotheses). */
export class PersonaMetricAccumulator {
  private readonly totals = new Map<
    string,
    { contacts: number; opens: RatioSums; clicks: RatioSums; converted: number; customers: number }
  >();

  add(personaId: string, properties: PropertyBag): void {
    let entry = this.totals.get(personaId);
    if (!entry) {
      entry = { contacts: 0, opens: emptyRatio(), clicks: emptyRatio(), converted: 0, customers: 0 };
      this.totals.set(personaId, entry);
    }
    entry.contacts++;
    const delivered = count(properties, 'hs_email_delivered');
    if (delivered > 0) {
      addRatio(entry.opens, delivered, count(properties, 'hs_email_open'));
      addRatio(entry.clicks, delivered, count(properties, 'hs_email_click'));
    }
    if (count(properties, 'num_conversion_events') >= 1) entry.converted++;
    if (presentValue(properties.lifecyclestage)?.toLowerCase() === 'customer') entry.customers++;
  }

  result(): ReadonlyMap<string, PersonaMetricTotals> {
    return this.totals;
  }
}

export interface MetricEstimate {
  readonly estimate: number;
  readonly interval: Interval;
  /** Contacts behind the estimate (with a delivered email, for the email rates). */
  readonly sample: number;
  readonly method: string;
}

/**
 * Ratio of sums (opens / delivered) with a delta-method interval over contacts: each contact's
 * emails are correlated, so treating every delivered email as an independent trial would give
 * intervals that are far too narrow.
 */
function ratioEstimate(sums: RatioSums, confidence: number): MetricEstimate | null {
  if (sums.n === 0 || sums.x === 0) return null;
  const r = sums.y / sums.x;
  const meanX = sums.x / sums.n;
  const residual = sums.n > 1 ? Math.max(0, sums.yy - 2 * r * sums.xy + r * r * sums.xx) / (sums.n - 1) : Infinity;
  const se = Math.sqrt(residual / sums.n) / meanX;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    estimate: r,
    interval: [Math.max(0, r - z * se), Math.min(1, r + z * se)],
    sample: sums.n,
    method: 'ratio of sums over contacts with a delivered email, delta-method interval',
  };
}

function shareEstimate(successes: number, n: number, confidence: number, what: string): MetricEstimate | null {
  if (n === 0) return null;
  return {
    estimate: successes / n,
    interval: wilsonInterval(successes, n, confidence),
    sample: n,
    method: `share of ${what}, Wilson interval`,
  };
}

export function metricEstimate(
  metric: Hypothesis['metric'],
  personaId: string,
  totals: ReadonlyMap<string, PersonaMetricTotals>,
  pilot: PilotAnalysis | null,
  confidence = 0.95,
): MetricEstimate | null {
  const entry = totals.get(personaId);
  switch (metric) {
    case 'email_open_rate':
      return entry ? ratioEstimate(entry.opens, confidence) : null;
    case 'email_click_rate':
      return entry ? ratioEstimate(entry.clicks, confidence) : null;
    case 'conversion_rate':
      return entry ? shareEstimate(entry.converted, entry.contacts, confidence, 'contacts with at least one conversion') : null;
    case 'customer_rate':
      return entry ? shareEstimate(entry.customers, entry.contacts, confidence, 'contacts whose lifecycle stage is customer') : null;
    default: {
      if (!pilot) return null;
      const outcome = metric.slice('pilot:'.length).toLowerCase();
      const arms = pilot.arms.filter((arm) => arm.personaId === personaId && arm.outcome === outcome);
      const n = pilot.arms
        .filter((arm) => arm.personaId === personaId && arm.outcome === pilot.outcomes[0])
        .reduce((sum, arm) => sum + arm.n, 0);
      const successes = arms.reduce((sum, arm) => sum + arm.successes, 0);
      return shareEstimate(successes, n, confidence, `pilot contacts (all variants pooled) reaching "${outcome}"`);
    }
  }
}

export type HypothesisStatus = 'supported' | 'refuted' | 'not-yet-known';

export interface HypothesisVerdict {
  readonly personaId: string;
  readonly personaName: string;
  readonly hypothesis: Hypothesis;
  readonly status: HypothesisStatus;
  readonly estimate: number | null;
  readonly interval: Interval | null;
  readonly sample: number;
  readonly minSample: number;
  readonly method: string | null;
  readonly explanation: string;
}

const OP_WORDS: Record<Hypothesis['op'], string> = { gte: 'at least', gt: 'above', lte: 'at most', lt: 'below' };

function satisfies(op: Hypothesis['op'], value: number, target: number): boolean {
  switch (op) {
    case 'gte':
      return value >= target;
    case 'gt':
      return value > target;
    case 'lte':
      return value <= target;
    case 'lt':
      return value < target;
  }
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * Supported when the whole confidence interval satisfies the hypothesis, refuted when the whole
 * interval violates it, otherwise (or below the minimum sample) not yet known.
 */
export function judgeHypothesis(
  persona: Pick<Persona, 'id' | 'name'>,
  hypothesis: Hypothesis,
  estimate: MetricEstimate | null,
  minSample: number,
): HypothesisVerdict {
  const claim = `${hypothesis.metric} ${OP_WORDS[hypothesis.op]} ${pct(hypothesis.value)}`;
  const base = { personaId: persona.id, personaName: persona.name, hypothesis, minSample };
  if (!estimate) {
    return {
      ...base,
      status: 'not-yet-known',
      estimate: null,
      interval: null,
      sample: 0,
      method: null,
      explanation: `No data yet for ${claim}.`,
    };
  }
  const [low, high] = estimate.interval;
  const numbers = `${pct(estimate.estimate)} (95% CI ${pct(low)}–${pct(high)}, n = ${estimate.sample})`;
  let status: HypothesisStatus;
  let explanation: string;
  if (estimate.sample < minSample) {
    status = 'not-yet-known';
    explanation = `Only ${estimate.sample} contacts, fewer than the minimum of ${minSample}; observed ${numbers} against ${claim}.`;
  } else if (satisfies(hypothesis.op, low, hypothesis.value) && satisfies(hypothesis.op, high, hypothesis.value)) {
    status = 'supported';
    explanation = `Supported: ${numbers}; the whole interval meets ${claim}.`;
  } else if (!satisfies(hypothesis.op, low, hypothesis.value) && !satisfies(hypothesis.op, high, hypothesis.value)) {
    status = 'refuted';
    explanation = `Refuted: ${numbers}; the whole interval misses ${claim}.`;
  } else {
    status = 'not-yet-known';
    explanation = `Not yet known: ${numbers}; the interval straddles ${pct(hypothesis.value)}, so more data is needed for ${claim}.`;
  }
  return {
    ...base,
    status,
    estimate: estimate.estimate,
    interval: estimate.interval,
    sample: estimate.sample,
    method: estimate.method,
    explanation,
  };
}

export function evaluateHypotheses(
  personas: readonly Persona[],
  totals: ReadonlyMap<string, PersonaMetricTotals>,
  pilot: PilotAnalysis | null,
  options: { readonly minSample?: number; readonly confidence?: number } = {},
): HypothesisVerdict[] {
  return personas
    .filter((persona) => persona.hypothesis !== undefined)
    .map((persona) => {
      const hypothesis = persona.hypothesis!;
      const estimate = metricEstimate(hypothesis.metric, persona.id, totals, pilot, options.confidence ?? 0.95);
      return judgeHypothesis(persona, hypothesis, estimate, options.minSample ?? 100);
    });
}

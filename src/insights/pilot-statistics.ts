import { chiSquareSurvival, normalQuantile, twoSidedNormalPValue } from './statistical-distributions';

export type Interval = readonly [number, number];

/** Wilson score interval for a binomial proportion; well-behaved near 0 and 1 and for small n. */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  if (n <= 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface TwoProportionTest {
  readonly difference: number;
  readonly z: number;
  readonly pValue: number;
}

/** Pooled two-proportion z-test of B against A (two-sided). */
export function twoProportionZTest(successesA: number, nA: number, successesB: number, nB: number): TwoProportionTest {
  const pA = successesA / nA;
  const pB = successesB / nB;
  const pooled = (successesA + successesB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (!(se > 0)) return { difference: pB - pA, z: 0, pValue: 1 };
  const z = (pB - pA) / se;
  return { difference: pB - pA, z, pValue: twoSidedNormalPValue(z) };
}

/**
 * Holm's step-down adjustment: controls the family-wise error rate under any dependence between
 * the tests, and is uniformly more powerful than Bonferroni. Adjusted p-values are returned in
 * input order.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export interface SampleRatioCheck {
  readonly observed: Readonly<Record<string, number>>;
  readonly expected: Readonly<Record<string, number>>;
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** True when the split is too unlikely under the plan (p below the SRM alpha). */
  readonly mismatch: boolean;
}

/** Chi-square goodness of fit of the observed arm sizes against the planned split (default: equal). */
export function sampleRatioMismatch(
  observed: Readonly<Record<string, number>>,
  plannedSplit: Readonly<Record<string, number>> | undefined,
  alpha = 0.001,
): SampleRatioCheck {
  const variants = Object.keys(observed);
  const total = variants.reduce((sum, v) => sum + observed[v], 0);
  // Variant names come from an imported file: `constructor` must not read Object's member.
  const weights = variants.map((v) => (plannedSplit ? (Object.hasOwn(plannedSplit, v) ? plannedSplit[v] : 0) : 1));
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  const expected = Object.create(null) as Record<string, number>;
  let chiSquare = 0;
  variants.forEach((v, i) => {
    const e = weightTotal > 0 ? (total * weights[i]) / weightTotal : 0;
    expected[v] = e;
    if (e > 0) chiSquare += (observed[v] - e) ** 2 / e;
    else if (observed[v] > 0) chiSquare = Infinity;
  });
  const degreesOfFreedom = Math.max(0, variants.length - 1);
  const pValue = chiSquare === Infinity ? 0 : chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { observed, expected, chiSquare, degreesOfFreedom, pValue, mismatch: degreesOfFreedom > 0 && pValue < alpha };
}

/** One contact in a pilot: its persona, the variant it received, and the outcomes it reached. */
export interface PilotExposure {
  readonly contactId: string;
  readonly personaId: string;
  readonly variant: string;
  readonly outcomes: ReadonlySet<string>;
}

export interface PilotAnalysisOptions {
  /** The variant others are compared with; default "control" when present, else the first in sort order. */
  readonly control?: string;
  readonly plannedSplit?: Readonly<Record<string, number>>;
  readonly minSamplePerArm?: number;
  readonly alpha?: number;
  readonly confidence?: number;
  readonly srmAlpha?: number;
  /** Outcomes to report even if no contact reached them (say, every outcome named in the file). */
  readonly outcomes?: readonly string[];
}

export interface ArmResult {
  readonly personaId: string;
  readonly variant: string;
  readonly outcome: string;
  readonly n: number;
  readonly successes: number;
  readonly rate: number;
  readonly interval: Interval;
}

export type ComparisonStatus = 'tested' | 'insufficient-sample' | 'no-variation';

export interface Comparison {
  readonly personaId: string;
  readonly outcome: string;
  readonly variant: string;
  readonly control: string;
  readonly status: ComparisonStatus;
  readonly controlRate: number;
  readonly variantRate: number;
  readonly difference: number;
  /** Relative lift (variant / control - 1), null when the control rate is 0. */
  readonly lift: number | null;
  readonly z: number | null;
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  readonly significant: boolean;
}

export interface PilotAnalysis {
  readonly contacts: number;
  readonly variants: readonly string[];
  readonly control: string;
  readonly outcomes: readonly string[];
  readonly personas: readonly string[];
  readonly minSamplePerArm: number;
  readonly alpha: number;
  readonly confidence: number;
  readonly correction: { readonly method: 'holm'; readonly family: number; readonly why: string };
  readonly sampleRatio: { readonly overall: SampleRatioCheck; readonly perPersona: Readonly<Record<string, SampleRatioCheck>> };
  readonly arms: readonly ArmResult[];
  readonly comparisons: readonly Comparison[];
}

const HOLM_WHY =
  'Holm controls the chance of any false "this message works better for this persona" claim across every persona x variant x ' +
  'outcome comparison, which is what a campaign decision needs; it holds under any dependence between the tests ' +
  '(Benjamini-Hochberg would give more discoveries but only bounds their expected false share).';

function chooseControl(variants: readonly string[], requested?: string): string {
  if (requested !== undefined) {
    const match = variants.find((v) => v.toLowerCase() === requested.toLowerCase());
    if (match) return match;
  }
  return variants.find((v) => v.toLowerCase() === 'control') ?? variants[0];
}

/**
 * Per persona and variant: outcome rates with Wilson intervals; each variant against the control
 * with a two-proportion z-test, Holm-adjusted across all persona x variant x outcome comparisons
 * that have the minimum sample; and a sample-ratio-mismatch check overall and per persona.
 */
export function analysePilot(exposures: readonly PilotExposure[], options: PilotAnalysisOptions = {}): PilotAnalysis {
  const minSamplePerArm = options.minSamplePerArm ?? 100;
  const alpha = options.alpha ?? 0.05;
  const confidence = options.confidence ?? 0.95;
  const variants = [...new Set(exposures.map((e) => e.variant))].sort();
  const personas = [...new Set(exposures.map((e) => e.personaId))].sort();
  const outcomes = [...new Set([...(options.outcomes ?? []), ...exposures.flatMap((e) => [...e.outcomes])])].sort();
  const control = chooseControl(variants, options.control);

  const armKey = (persona: string, variant: string) => `${persona}\u0000${variant}`;
  const sizes = new Map<string, number>();
  const hits = new Map<string, number>();
  for (const exposure of exposures) {
    const key = armKey(exposure.personaId, exposure.variant);
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    for (const outcome of exposure.outcomes) hits.set(`${key}\u0000${outcome}`, (hits.get(`${key}\u0000${outcome}`) ?? 0) + 1);
  }

  const arms: ArmResult[] = [];
  for (const personaId of personas) {
    for (const variant of variants) {
      const n = sizes.get(armKey(personaId, variant)) ?? 0;
      for (const outcome of outcomes) {
        const successes = hits.get(`${armKey(personaId, variant)}\u0000${outcome}`) ?? 0;
        arms.push({
          personaId,
          variant,
          outcome,
          n,
          successes,
          rate: n > 0 ? successes / n : 0,
          interval: wilsonInterval(successes, n, confidence),
        });
      }
    }
  }
  const armOf = new Map(arms.map((arm) => [`${armKey(arm.personaId, arm.variant)}\u0000${arm.outcome}`, arm]));

  const draft: (Omit<Comparison, 'adjustedPValue' | 'significant'> & { adjustedPValue: number | null; significant: boolean })[] = [];
  for (const personaId of personas) {
    for (const outcome of outcomes) {
      const base = armOf.get(`${armKey(personaId, control)}\u0000${outcome}`)!;
      for (const variant of variants) {
        if (variant === control) continue;
        const arm = armOf.get(`${armKey(personaId, variant)}\u0000${outcome}`)!;
        const pooled = (base.successes + arm.successes) / Math.max(1, base.n + arm.n);
        const enough = base.n >= minSamplePerArm && arm.n >= minSamplePerArm;
        const status: ComparisonStatus = !enough ? 'insufficient-sample' : pooled === 0 || pooled === 1 ? 'no-variation' : 'tested';
        const test = status === 'tested' ? twoProportionZTest(base.successes, base.n, arm.successes, arm.n) : null;
        draft.push({
          personaId,
          outcome,
          variant,
          control,
          status,
          controlRate: base.rate,
          variantRate: arm.rate,
          difference: arm.rate - base.rate,
          lift: base.rate > 0 ? arm.rate / base.rate - 1 : null,
          z: test ? test.z : null,
          pValue: test ? test.pValue : null,
          adjustedPValue: null,
          significant: false,
        });
      }
    }
  }
  const tested = draft.filter((c) => c.status === 'tested');
  const adjusted = holmAdjust(tested.map((c) => c.pValue!));
  tested.forEach((c, i) => {
    c.adjustedPValue = adjusted[i];
    c.significant = adjusted[i] < alpha;
  });

  const countsFor = (filter: (e: PilotExposure) => boolean) => {
    const counts = Object.create(null) as Record<string, number>;
    for (const variant of variants) counts[variant] = 0;
    for (const exposure of exposures) if (filter(exposure)) counts[exposure.variant]++;
    return counts;
  };
  const perPersona = Object.create(null) as Record<string, SampleRatioCheck>;
  for (const personaId of personas) {
    perPersona[personaId] = sampleRatioMismatch(
      countsFor((e) => e.personaId === personaId),
      options.plannedSplit,
      options.srmAlpha,
    );
  }

  return {
    contacts: exposures.length,
    variants,
    control,
    outcomes,
    personas,
    minSamplePerArm,
    alpha,
    confidence,
    correction: { method: 'holm', family: tested.length, why: HOLM_WHY },
    sampleRatio: {
      overall: sampleRatioMismatch(
        countsFor(() => true),
        options.plannedSplit,
        options.srmAlpha,
      ),
      perPersona,
    },
    arms,
    comparisons: draft,
  };
}

import type { HypothesisVerdict } from './hypothesis-evaluation';

export interface PsiBin {
  readonly label: string;
  readonly expectedShare: number;
  readonly actualShare: number;
  readonly contribution: number;
}

export interface PsiResult {
  readonly psi: number;
  readonly bins: readonly PsiBin[];
  readonly level: 'stable' | 'moderate' | 'major';
}

/** The usual reading of PSI: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a major one. */
export function psiLevel(psi: number): PsiResult['level'] {
  if (psi < 0.1) return 'stable';
  if (psi < 0.25) return 'moderate';
  return 'major';
}

function psiFromShares(labels: readonly string[], expected: readonly number[], actual: readonly number[], epsilon: number): PsiResult {
  const bins = labels.map((label, i) => {
    // An empty bin would make ln(a/e) infinite; epsilon keeps one new or vanished bin large but finite.
    const e = Math.max(expected[i], epsilon);
    const a = Math.max(actual[i], epsilon);
    return { label, expectedShare: expected[i], actualShare: actual[i], contribution: (a - e) * Math.log(a / e) };
  });
  const psi = bins.reduce((sum, bin) => sum + bin.contribution, 0);
  return { psi, bins, level: psiLevel(psi) };
}

/** PSI of categorical counts (for example contacts per persona) between two snapshots. */
export function categoricalPsi(expected: ReadonlyMap<string, number>, actual: ReadonlyMap<string, number>, epsilon = 1e-4): PsiResult {
  const labels = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const total = (counts: ReadonlyMap<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
  const te = total(expected);
  const ta = total(actual);
  return psiFromShares(
    labels,
    labels.map((label) => (te > 0 ? (expected.get(label) ?? 0) / te : 0)),
    labels.map((label) => (ta > 0 ? (actual.get(label) ?? 0) / ta : 0)),
    epsilon,
  );
}

/**
 * PSI of a numeric distribution: bins are the baseline's quantiles (at most `bins`, merged where
 * values repeat, which scores built from a few rule points always do).
 */
export function numericPsi(
  expected: readonly number[],
  actual: readonly number[],
  options: { bins?: number; epsilon?: number } = {},
): PsiResult {
  const epsilon = options.epsilon ?? 1e-4;
  if (expected.length === 0 || actual.length === 0) return { psi: 0, bins: [], level: 'stable' };
  const sorted = [...expected].sort((a, b) => a - b);
  const binCount = options.bins ?? 10;
  const edges: number[] = [];
  for (let b = 1; b < binCount; b++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / binCount))];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  // Upper edges exclusive: bin i holds values in [edges[i-1], edges[i]).
  const binOf = (value: number) => {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (value < edges[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const counts = (values: readonly number[]) => {
    const out = new Array<number>(edges.length + 1).fill(0);
    for (const value of values) out[binOf(value)]++;
    return out.map((c) => c / values.length);
  };
  const labels = Array.from({ length: edges.length + 1 }, (_, i) =>
    i === 0 ? `< ${edges[0] ?? '∞'}` : i === edges.length ? `>= ${edges[i - 1]}` : `${edges[i - 1]} to < ${edges[i]}`,
  );
  return psiFromShares(labels, counts(expected), counts(actual), epsilon);
}

/** One contact's assignment in a stored snapshot (a nightly rescore). */
export interface SnapshotEntry {
  readonly contactId: string;
  /** Effective persona; null when unassigned. */
  readonly personaId: string | null;
  readonly score: number;
  /** Labels of the primary persona's rules that fired. */
  readonly firedRules: readonly string[];
}

export interface AssignmentSnapshot {
  readonly id: string;
  readonly takenAt: string;
  readonly entries: readonly SnapshotEntry[];
}

export interface SnapshotSummary {
  readonly id: string;
  readonly takenAt: string;
  readonly contacts: number;
  readonly unassigned: number;
}

/** A snapshot reduced to what the share chart needs. */
export interface SnapshotPersonaCounts {
  readonly id: string;
  readonly takenAt: string;
  readonly contacts: number;
  /** Contacts per effective persona (null = unassigned), in order of first appearance by contact id. */
  readonly personas: readonly (readonly [personaId: string | null, contacts: number])[];
}

/** Contacts per persona of a snapshot's entries, in order of first appearance (what the store keeps per snapshot). */
export function countPersonas(entries: readonly { readonly personaId: string | null }[]): [string | null, number][] {
  const counts = new Map<string | null, number>();
  for (const entry of entries) counts.set(entry.personaId, (counts.get(entry.personaId) ?? 0) + 1);
  return [...counts];
}

export interface RuleRef {
  readonly personaId: string;
  readonly label: string;
}

export type DriftFindingKind = 'persona-shift' | 'unassigned-rising' | 'contacts-moved' | 'rule-stopped-firing' | 'hypothesis-refuted';

export interface DriftFinding {
  readonly kind: DriftFindingKind;
  readonly severity: 'info' | 'warning' | 'action';
  readonly subject: string;
  readonly detail: string;
  readonly action: string;
}

export interface PersonaShift {
  readonly personaId: string;
  readonly earlierShare: number;
  readonly laterShare: number;
  /** This persona's term in the PSI of the persona mix. */
  readonly shareContribution: number;
  /** PSI of this persona's score distribution among its contacts. */
  readonly scorePsi: number;
  readonly level: PsiResult['level'];
}

export interface DriftReport {
  readonly earlier: { readonly id: string; readonly takenAt: string; readonly contacts: number };
  readonly later: { readonly id: string; readonly takenAt: string; readonly contacts: number };
  readonly mixPsi: PsiResult;
  readonly personas: readonly PersonaShift[];
  readonly unassignedShare: readonly { readonly takenAt: string; readonly share: number }[];
  readonly moved: {
    readonly total: number;
    readonly share: number;
    readonly flows: readonly { readonly from: string; readonly to: string; readonly contacts: number }[];
  };
  readonly rulesStoppedFiring: readonly (RuleRef & { readonly firedBefore: number })[];
  readonly refutedHypotheses: readonly HypothesisVerdict[];
  readonly findings: readonly DriftFinding[];
}

export interface DriftOptions {
  readonly unassignedId?: string;
  readonly epsilon?: number;
  /** A rise of the unassigned share by this many points (0.05 = 5 points) is a finding. */
  readonly unassignedRise?: number;
  /** A share of contacts changing persona above this is a finding. */
  readonly movedShare?: number;
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * Compares two assignment snapshots: the persona mix (PSI), each persona's score distribution
 * (PSI), the unassigned share over the given history, who moved where, which rules fired before
 * and no longer do, and the refuted hypotheses; each finding comes with what to do about it.
 */
export function compareSnapshots(
  earlier: AssignmentSnapshot,
  later: AssignmentSnapshot,
  context: {
    readonly history: readonly SnapshotSummary[];
    readonly liveRules: readonly RuleRef[];
    readonly hypotheses: readonly HypothesisVerdict[];
  },
  options: DriftOptions = {},
): DriftReport {
  const unassigned = options.unassignedId ?? 'unassigned';
  const epsilon = options.epsilon ?? 1e-4;
  const personaOf = (entry: SnapshotEntry) => entry.personaId ?? unassigned;
  const mix = (snapshot: AssignmentSnapshot) => {
    const counts = new Map<string, number>();
    for (const entry of snapshot.entries) counts.set(personaOf(entry), (counts.get(personaOf(entry)) ?? 0) + 1);
    return counts;
  };
  const earlierMix = mix(earlier);
  const laterMix = mix(later);
  const mixPsi = categoricalPsi(earlierMix, laterMix, epsilon);
  const scores = (snapshot: AssignmentSnapshot, personaId: string) =>
    snapshot.entries.filter((entry) => personaOf(entry) === personaId).map((entry) => entry.score);

  const personas = mixPsi.bins.map((bin): PersonaShift => {
    const scorePsi = bin.label === unassigned ? 0 : numericPsi(scores(earlier, bin.label), scores(later, bin.label), { epsilon }).psi;
    return {
      personaId: bin.label,
      earlierShare: bin.expectedShare,
      laterShare: bin.actualShare,
      shareContribution: bin.contribution,
      scorePsi,
      level: psiLevel(Math.max(bin.contribution, scorePsi)),
    };
  });

  const before = new Map(earlier.entries.map((entry) => [entry.contactId, personaOf(entry)]));
  const flows = new Map<string, number>();
  let moved = 0;
  let common = 0;
  for (const entry of later.entries) {
    const previous = before.get(entry.contactId);
    if (previous === undefined) continue;
    common++;
    if (previous !== personaOf(entry)) {
      moved++;
      const key = `${previous}\u0000${personaOf(entry)}`;
      flows.set(key, (flows.get(key) ?? 0) + 1);
    }
  }

  const fired = (snapshot: AssignmentSnapshot) => {
    const counts = new Map<string, number>();
    for (const entry of snapshot.entries) {
      if (entry.personaId === null) continue;
      for (const label of entry.firedRules) {
        const key = `${entry.personaId}\u0000${label}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return counts;
  };
  const firedBefore = fired(earlier);
  const firedAfter = fired(later);
  const rulesStoppedFiring = context.liveRules
    .map((rule) => ({ ...rule, firedBefore: firedBefore.get(`${rule.personaId}\u0000${rule.label}`) ?? 0 }))
    .filter((rule) => rule.firedBefore > 0 && !firedAfter.has(`${rule.personaId}\u0000${rule.label}`));

  const history = [...context.history].sort((a, b) => (a.takenAt < b.takenAt ? -1 : a.takenAt > b.takenAt ? 1 : 0));
  const unassignedShare = history.map((s) => ({ takenAt: s.takenAt, share: s.contacts > 0 ? s.unassigned / s.contacts : 0 }));
  const refutedHypotheses = context.hypotheses.filter((verdict) => verdict.status === 'refuted');

  const findings: DriftFinding[] = [];
  for (const persona of personas) {
    if (persona.level === 'stable') continue;
    const shareMoved = Math.abs(persona.laterShare - persona.earlierShare) >= 0.01;
    const detail =
      `share ${pct(persona.earlierShare)} -> ${pct(persona.laterShare)} (PSI term ${persona.shareContribution.toFixed(3)}), ` +
      `score distribution PSI ${persona.scorePsi.toFixed(3)}`;
    const action =
      persona.personaId === unassigned
        ? 'More contacts fit no persona: look at the newest unassigned contacts and consider a new persona (run discovery) or lower a threshold.'
        : shareMoved && persona.laterShare < persona.earlierShare
          ? 'Fewer contacts qualify: check whether the rules still describe this audience (source, titles, behaviour changed?) and rerun discovery on the portal.'
          : shareMoved
            ? 'More contacts qualify than before: check that the rules are not too broad, and that content for this persona scales with it.'
            : 'Its contacts now score differently: review which rules fire, and whether the threshold still separates this persona from the others.';
    findings.push({
      kind: 'persona-shift',
      severity: persona.level === 'major' ? 'action' : 'warning',
      subject: persona.personaId,
      detail,
      action,
    });
  }
  if (unassignedShare.length >= 2) {
    const first = unassignedShare[0].share;
    const last = unassignedShare[unassignedShare.length - 1].share;
    if (last - first >= (options.unassignedRise ?? 0.05)) {
      findings.push({
        kind: 'unassigned-rising',
        severity: 'action',
        subject: unassigned,
        detail: `unassigned share rose from ${pct(first)} to ${pct(last)} between ${unassignedShare[0].takenAt} and ${unassignedShare[unassignedShare.length - 1].takenAt}`,
        action: 'A growing group fits no persona: run discovery to see who they are and draft a persona for them.',
      });
    }
  }
  const movedShare = common > 0 ? moved / common : 0;
  if (movedShare >= (options.movedShare ?? 0.05)) {
    const top = [...flows.entries()].sort((a, b) => b[1] - a[1])[0];
    const [from, to] = top[0].split('\u0000');
    findings.push({
      kind: 'contacts-moved',
      severity: 'warning',
      subject: `${from} -> ${to}`,
      detail: `${moved} of ${common} contacts (${pct(movedShare)}) changed persona; the largest flow is ${from} -> ${to} (${top[1]})`,
      action:
        'Check the rule or data change behind the largest flow; if it is intended, tell the owners of workflows that branch on these personas.',
    });
  }
  for (const rule of rulesStoppedFiring) {
    findings.push({
      kind: 'rule-stopped-firing',
      severity: 'warning',
      subject: `${rule.personaId}: ${rule.label}`,
      detail: `fired for ${rule.firedBefore} contacts on ${earlier.takenAt.slice(0, 10)}, for none on ${later.takenAt.slice(0, 10)}`,
      action: 'Check that the property it reads is still filled (renamed, no longer synced, new option values?); fix or remove the rule.',
    });
  }
  for (const verdict of refutedHypotheses) {
    findings.push({
      kind: 'hypothesis-refuted',
      severity: 'action',
      subject: verdict.personaId,
      detail: verdict.explanation,
      action: 'The persona does not behave as assumed: revise its messaging and hypothesis, or merge it into a persona that does.',
    });
  }

  return {
    earlier: { id: earlier.id, takenAt: earlier.takenAt, contacts: earlier.entries.length },
    later: { id: later.id, takenAt: later.takenAt, contacts: later.entries.length },
    mixPsi,
    personas,
    unassignedShare,
    moved: {
      total: moved,
      share: movedShare,
      flows: [...flows.entries()]
        .map(([key, contacts]) => {
          const [from, to] = key.split('\u0000');
          return { from, to, contacts };
        })
        .sort((a, b) => b.contacts - a.contacts),
    },
    rulesStoppedFiring,
    refutedHypotheses,
    findings,
  };
}

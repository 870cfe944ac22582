import type { PortalId } from '../crm/model';
import type { RuleSet } from '../personas/engine';
import type { HypothesisVerdict } from './hypothesis-evaluation';
import type { AssignmentHistoryReader, InsightsReportStore } from './insights-ports';

export interface ShareHistory {
  readonly personas: readonly { readonly id: string; readonly name: string; readonly kind: string }[];
  readonly points: readonly { readonly takenAt: string; readonly contacts: number; readonly shares: Readonly<Record<string, number>> }[];
}

export interface PersonaVerdict {
  readonly status: HypothesisVerdict['status'];
  readonly words: string;
  /** YYYY-MM-DD of the validation. */
  readonly date: string;
  readonly pilot: string | null;
  readonly explanation: string;
}

const VERDICT_WORDS: Record<HypothesisVerdict['status'], string> = {
  supported: 'Hypothesis supported',
  refuted: 'Hypothesis refuted',
  'not-yet-known': 'Hypothesis not yet known',
};

/**
 * Each persona's share of contacts per nightly snapshot, oldest first: at most `points` snapshots,
 * evenly spread over what is kept, so the chart stays cheap however long the history. Only the
 * snapshots' persona counts are read, never their per-contact entries.
 */
export async function shareHistoryOf(
  snapshots: AssignmentHistoryReader,
  ruleSet: RuleSet | null,
  portalId: PortalId,
  points = 60,
): Promise<ShareHistory> {
  const unassignedId = ruleSet?.unassigned.id ?? 'unassigned';
  const all = await snapshots.listSnapshots(portalId);
  const step = Math.max(1, (all.length - 1) / Math.max(1, points - 1));
  const picked = all.length <= points ? all : [...new Set(Array.from({ length: points }, (_, i) => all[Math.round(i * step)]!))];
  const result: ShareHistory['points'][number][] = [];
  const seen = new Set<string>();
  for (const snapshot of await snapshots.personaCounts(
    portalId,
    picked.map((summary) => summary.id),
  )) {
    const counts: Record<string, number> = {};
    for (const [personaId, n] of snapshot.personas) {
      const id = personaId ?? unassignedId;
      counts[id] = (counts[id] ?? 0) + n;
      seen.add(id);
    }
    const total = snapshot.contacts;
    result.push({
      takenAt: snapshot.takenAt,
      contacts: total,
      shares: Object.fromEntries(Object.entries(counts).map(([id, n]) => [id, total > 0 ? n / total : 0])),
    });
  }
  const named = [
    ...(ruleSet?.personas ?? []).map((p) => ({ id: p.id, name: p.name, kind: p.kind as string })),
    { id: unassignedId, name: ruleSet?.unassigned.label ?? 'Unassigned', kind: 'unassigned' },
  ];
  const personas = [
    ...named.filter((p) => seen.has(p.id)),
    ...[...seen].filter((id) => !named.some((p) => p.id === id)).map((id) => ({ id, name: id, kind: 'retired' })),
  ];
  return { personas, points: result };
}

/** The latest validation's verdict on each persona's hypothesis, in words, with the pilot's name and the date. */
export async function latestVerdicts(
  reports: Pick<InsightsReportStore, 'list' | 'get'>,
  portalId: PortalId,
): Promise<Map<string, PersonaVerdict>> {
  const [latest] = await reports.list(portalId, { kind: 'validation', limit: 1 });
  if (!latest) return new Map();
  const report = (await reports.get(portalId, latest.id))?.body as
    { generatedAt: string; pilot: { fileName: string } | null; hypotheses: readonly HypothesisVerdict[] } | undefined;
  const verdicts = new Map<string, PersonaVerdict>();
  for (const h of report?.hypotheses ?? []) {
    verdicts.set(h.personaId, {
      status: h.status,
      words: VERDICT_WORDS[h.status],
      date: report!.generatedAt.slice(0, 10),
      pilot: report!.pilot?.fileName ?? null,
      explanation: h.explanation,
    });
  }
  return verdicts;
}

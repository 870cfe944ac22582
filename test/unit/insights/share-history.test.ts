import type { AssignmentSnapshot } from '../../../src/insights/drift';
import { shareHistoryOf, type ShareHistory } from '../../../src/insights/persona-history';
import type { RuleSet } from '../../../src/personas/engine';
import { aPersona, aRuleSet } from '../../support/rule-set-builders';
import { MemoryAssignmentHistory } from './support/memory-insights-ports';

const P = 42;
const ruleSet: RuleSet = aRuleSet([aPersona({ id: 'analyst', name: 'Ann' }), aPersona({ id: 'buyer', name: 'Bob', kind: 'buyer' })]);

/** The chart as it was computed from whole snapshots (every entry read): the output must not change. */
async function fromWholeSnapshots(history: MemoryAssignmentHistory, points: number): Promise<ShareHistory> {
  const all = await history.listSnapshots(P);
  const step = Math.max(1, (all.length - 1) / Math.max(1, points - 1));
  const picked = all.length <= points ? all : [...new Set(Array.from({ length: points }, (_, i) => all[Math.round(i * step)]!))];
  const result: ShareHistory['points'][number][] = [];
  const seen = new Set<string>();
  for (const summary of picked) {
    const snapshot = (await history.readSnapshot(P, summary.id))!;
    const counts: Record<string, number> = {};
    for (const entry of snapshot.entries) {
      const id = entry.personaId ?? 'unassigned';
      counts[id] = (counts[id] ?? 0) + 1;
      seen.add(id);
    }
    const total = snapshot.entries.length;
    result.push({
      takenAt: snapshot.takenAt,
      contacts: total,
      shares: Object.fromEntries(Object.entries(counts).map(([id, n]) => [id, n / total])),
    });
  }
  const named = [
    { id: 'analyst', name: 'Ann', kind: 'customer' },
    { id: 'buyer', name: 'Bob', kind: 'buyer' },
    { id: 'unassigned', name: ruleSet.unassigned.label, kind: 'unassigned' },
  ];
  const personas = [
    ...named.filter((p) => seen.has(p.id)),
    ...[...seen].filter((id) => !named.some((p) => p.id === id)).map((id) => ({ id, name: id, kind: 'retired' })),
  ];
  return { personas, points: result };
}

function snapshotsOver(nights: number): MemoryAssignmentHistory {
  const history = new MemoryAssignmentHistory();
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let night = 0; night < nights; night += 1) {
    const ids = ['analyst', 'buyer', null, night > 40 ? 'retired_persona' : 'analyst'];
    const entries: AssignmentSnapshot['entries'] = Array.from({ length: 20 + night }, (_, i) => ({
      contactId: String(i).padStart(4, '0'),
      personaId: ids[Math.floor(next() * ids.length)]!,
      score: 10,
      firedRules: [],
    }));
    history.add(P, { id: String(night + 1), takenAt: new Date(Date.UTC(2026, 0, 1) + night * 86_400_000).toISOString(), entries });
  }
  return history;
}

describe('share of each persona over time', () => {
  it.each([
    [3, 60],
    [60, 60],
    [75, 60],
    [75, 7],
  ])(
    'over %i nightly snapshots (%i points) gives what whole snapshots gave, byte for byte, reading only persona counts',
    async (nights, points) => {
      const history = snapshotsOver(nights);
      const expected = JSON.stringify(await fromWholeSnapshots(history, points));
      history.wholeReads = 0;

      const actual = await shareHistoryOf(history, ruleSet, P, points);

      expect(JSON.stringify(actual)).toBe(expected);
      expect(actual.points).toHaveLength(Math.min(nights, points));
      expect(history.wholeReads).toBe(0);
    },
  );

  it('names a persona the live rule set no longer has as retired, and is empty without snapshots', async () => {
    const history = snapshotsOver(50);
    expect((await shareHistoryOf(history, ruleSet, P)).personas.map((p) => [p.id, p.kind])).toEqual([
      ['analyst', 'customer'],
      ['buyer', 'buyer'],
      ['unassigned', 'unassigned'],
      ['retired_persona', 'retired'],
    ]);
    expect(await shareHistoryOf(new MemoryAssignmentHistory(), ruleSet, P)).toEqual({ personas: [], points: [] });
  });
});

import { categoricalPsi, compareSnapshots, numericPsi, type AssignmentSnapshot, type SnapshotEntry } from '../../../src/insights/drift';
import { normalDraw, seededRandom, type RandomSource } from '../../../src/insights/seeded-random';

function snapshotOf(id: string, takenAt: string, entries: SnapshotEntry[]): AssignmentSnapshot {
  return { id, takenAt, entries };
}

/** Contacts 0..n-1 of a portal: persona, score ~ N(mean, sd) and the rules that fired. */
function population(
  random: RandomSource,
  spec: { persona: string | null; count: number; mean: number; sd: number; rules: string[] }[],
): SnapshotEntry[] {
  const entries: SnapshotEntry[] = [];
  for (const group of spec) {
    for (let i = 0; i < group.count; i++) {
      entries.push({
        contactId: String(entries.length),
        personaId: group.persona,
        score: group.persona === null ? 0 : Math.round(group.mean + group.sd * normalDraw(random)),
        firedRules: group.rules,
      });
    }
  }
  return entries;
}

describe('drift', () => {
  it('gives PSI 0 for identical distributions and a finite value when a bin empties', () => {
    const same = new Map([
      ['a', 10],
      ['b', 30],
    ]);
    expect(
      categoricalPsi(
        same,
        new Map([
          ['a', 20],
          ['b', 60],
        ]),
      ).psi,
    ).toBeCloseTo(0, 12);
    const vanished = categoricalPsi(same, new Map([['a', 40]]));
    expect(Number.isFinite(vanished.psi)).toBe(true);
    expect(vanished.level).toBe('major');
    expect(numericPsi([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).psi).toBeCloseTo(0, 12);
  });

  it('measures a large shift for the shifted persona and a small one for stable personas', () => {
    const random = seededRandom(9);
    const earlier = population(random, [
      { persona: 'ops_leader', count: 4000, mean: 60, sd: 10, rules: ['Senior title'] },
      { persona: 'developer', count: 3000, mean: 55, sd: 9, rules: ['Engineer title', 'Many page views'] },
      { persona: 'data_analyst', count: 3000, mean: 50, sd: 8, rules: ['Analyst title', 'Onboarding tickets'] },
    ]);
    const later = population(random, [
      { persona: 'ops_leader', count: 4000, mean: 60, sd: 10, rules: ['Senior title'] },
      { persona: 'developer', count: 3000, mean: 55, sd: 9, rules: ['Engineer title', 'Many page views'] },
      { persona: 'data_analyst', count: 1500, mean: 64, sd: 8, rules: ['Analyst title'] },
      { persona: null, count: 1500, mean: 0, sd: 0, rules: [] },
    ]);
    const history = [
      { id: 's1', takenAt: '2026-08-01T02:00:00.000Z', contacts: 10000, unassigned: 0 },
      { id: 's2', takenAt: '2026-09-15T02:00:00.000Z', contacts: 10000, unassigned: 700 },
      { id: 's3', takenAt: '2026-11-01T02:00:00.000Z', contacts: 10000, unassigned: 1500 },
    ];
    const liveRules = [
      { personaId: 'ops_leader', label: 'Senior title' },
      { personaId: 'developer', label: 'Engineer title' },
      { personaId: 'developer', label: 'Many page views' },
      { personaId: 'data_analyst', label: 'Analyst title' },
      { personaId: 'data_analyst', label: 'Onboarding tickets' },
    ];
    const report = compareSnapshots(snapshotOf('s1', history[0].takenAt, earlier), snapshotOf('s3', history[2].takenAt, later), {
      history,
      liveRules,
      hypotheses: [],
    });
    const byPersona = new Map(report.personas.map((p) => [p.personaId, p]));
    expect(byPersona.get('data_analyst')!.scorePsi).toBeGreaterThan(0.25);
    expect(byPersona.get('data_analyst')!.level).toBe('major');
    for (const stable of ['ops_leader', 'developer']) {
      expect(byPersona.get(stable)!.scorePsi).toBeLessThan(0.1);
      expect(byPersona.get(stable)!.level).toBe('stable');
    }
    expect(report.mixPsi.psi).toBeGreaterThan(0.25);
    expect(report.rulesStoppedFiring).toEqual([{ personaId: 'data_analyst', label: 'Onboarding tickets', firedBefore: 3000 }]);
    expect(report.moved.total).toBe(1500);
    expect(report.moved.flows[0]).toEqual({ from: 'data_analyst', to: 'unassigned', contacts: 1500 });
    expect(report.unassignedShare.map((u) => u.share)).toEqual([0, 0.07, 0.15]);
    const kinds = report.findings.map((f) => `${f.kind}:${f.subject}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'persona-shift:data_analyst',
        'persona-shift:unassigned',
        'unassigned-rising:unassigned',
        'contacts-moved:data_analyst -> unassigned',
        'rule-stopped-firing:data_analyst: Onboarding tickets',
      ]),
    );
    expect(kinds.some((k) => k.startsWith('persona-shift:ops_leader') || k.startsWith('persona-shift:developer'))).toBe(false);
    expect(report.findings.every((f) => f.action.length > 20)).toBe(true);
  });

  it('finds nothing to do when two snapshots come from the same population', () => {
    const random = seededRandom(4);
    const spec = [
      { persona: 'a', count: 3000, mean: 40, sd: 6, rules: ['r1'] },
      { persona: 'b', count: 2000, mean: 70, sd: 12, rules: ['r2'] },
    ];
    const report = compareSnapshots(
      snapshotOf('x', '2026-10-01T00:00:00Z', population(random, spec)),
      snapshotOf('y', '2026-10-02T00:00:00Z', population(random, spec)),
      {
        history: [],
        liveRules: [
          { personaId: 'a', label: 'r1' },
          { personaId: 'b', label: 'r2' },
        ],
        hypotheses: [],
      },
    );
    expect(report.findings).toEqual([]);
    expect(report.mixPsi.psi).toBeLessThan(0.01);
  });

  it('turns refuted hypotheses into findings with an action', () => {
    const entries = [{ contactId: '1', personaId: 'a', score: 10, firedRules: [] }];
    const verdict = {
      personaId: 'a',
      personaName: 'A',
      hypothesis: { metric: 'conversion_rate' as const, op: 'gte' as const, value: 0.3 },
      status: 'refuted' as const,
      estimate: 0.1,
      interval: [0.08, 0.12] as const,
      sample: 900,
      minSample: 100,
      method: 'm',
      explanation: 'Refuted: 10%',
    };
    const report = compareSnapshots(snapshotOf('x', '2026-01-01', entries), snapshotOf('y', '2026-02-01', entries), {
      history: [],
      liveRules: [],
      hypotheses: [verdict, { ...verdict, personaId: 'b', status: 'supported' }],
    });
    expect(report.refutedHypotheses).toHaveLength(1);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'hypothesis-refuted', subject: 'a', severity: 'action' })]);
  });
});

import defaultRuleSet from '../../../config/personas.json';
import type { AnalysisContact } from '../../../src/insights/feature-catalogue';
import { InsightsService } from '../../../src/insights/insights-service';
import { renderReport } from '../../../src/insights/render-report';
import { seededRandom } from '../../../src/insights/seeded-random';
import { suggestionsToDraftRuleSet } from '../../../src/insights/draft-persona';
import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import type { RuleSet } from '../../../src/personas/engine/rule-set-schema';
import { validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { AppError } from '../../../src/platform/errors';
import { fakeInsightsDeps } from './support/memory-insights-ports';
import { plantedPortal } from './support/planted-data';

const PORTAL = 777;

function liveRuleSet(): RuleSet {
  const validation = validateRuleSet(defaultRuleSet);
  if (!validation.ok) throw new Error('config/personas.json is invalid');
  return validation.ruleSet;
}

function setUp(contactCount = 1500) {
  const planted = plantedPortal(5, contactCount);
  const ruleSet = liveRuleSet();
  const engine = compileRuleSet(ruleSet);
  const contacts: AnalysisContact[] = planted.contacts.map((contact) => {
    const assignment = engine.assign(contact, planted.portal.referenceTime);
    return { ...contact, personaId: assignment.assigned ? assignment.personaId : null };
  });
  const deps = fakeInsightsDeps(planted.portal.referenceTime);
  deps.contacts.set(PORTAL, contacts);
  deps.ruleSets.set(PORTAL, ruleSet);
  // Small discovery settings: these tests are about the plumbing; recovery is tested in discover-personas.test.ts.
  const service = new InsightsService({ ...deps, config: { discovery: { fitSampleSize: 600, silhouetteSampleSize: 400, restarts: 2 } } });
  return { deps, service, contacts, ruleSet };
}

/** A pilot CSV where `liftedPersona` clicks 35% on variant B and 10% on A; everyone else 10% on both. */
function pilotCsv(contacts: readonly AnalysisContact[], liftedPersona: string, seed: number): string {
  const random = seededRandom(seed);
  const lines = ['contact_id,email,variant,outcome,value'];
  contacts.forEach((contact, i) => {
    const variant = random() < 0.5 ? 'A' : 'B';
    const rate = contact.personaId === liftedPersona && variant === 'B' ? 0.35 : 0.1;
    const id = i % 2 === 0 ? contact.id : '';
    const email = i % 2 === 0 ? '' : contact.email!;
    lines.push(`${id},${email},${variant},delivered,1`);
    lines.push(`${id},${email},${variant},clicked,${random() < rate ? 1 : 0}`);
  });
  return lines.join('\n');
}

describe('InsightsService', () => {
  it('discovers clusters on the portal, stores the report and lists it', async () => {
    const { deps, service } = setUp();
    const { id, report } = await service.discover(PORTAL);
    expect(report.contacts).toBe(1500);
    expect(report.clusters.length).toBe(report.k);
    expect(await service.listReports(PORTAL)).toEqual([expect.objectContaining({ id, kind: 'discovery' })]);
    const stored = await service.getReport(PORTAL, id);
    expect(stored.body).toEqual(JSON.parse(JSON.stringify(report)));
    expect(deps.reports.saved).toHaveLength(1);
  });

  it('states how well discovery recovered the planted groups of a sandbox portal', async () => {
    const { deps, contacts } = setUp(1500);
    const portal = plantedPortal(5, 1500).portal;
    const service = new InsightsService({
      ...deps,
      plantedGroups: {
        groupOf: (portalId, contactId) => {
          const index = portalId === PORTAL ? portal.indexOfContactId(contactId) : undefined;
          const group = index === undefined ? null : portal.plantedGroupOf(index);
          return group === 'noise' ? null : group;
        },
      },
    });
    const { report } = await service.discover(PORTAL);
    const noise = contacts.filter((_, i) => portal.plantedGroupOf(i) === 'noise').length;
    expect(report.recovery!.contacts).toBe(1500 - noise);
    expect(report.recovery!.adjustedRandIndex).toBeGreaterThanOrEqual(0.8);
    expect(renderReport(report)).toMatch(/Recovery of planted groups: .*: 0\.\d{3} \(target met\)|: 1\.000 \(target met\)/);
  });

  it('refuses to cluster a portal with too few contacts', async () => {
    const { service } = setUp(10);
    await expect(service.discover(PORTAL)).rejects.toThrow(/at least 20 contacts/);
  });

  it('rejects a bad pilot file with line numbers and imports nothing', async () => {
    const { deps, service, contacts } = setUp(200);
    const good = await service.importPilot(PORTAL, 'first.csv', `contact_id,variant,outcome\n${contacts[0].id},A,clicked\n`);
    expect(good.ok).toBe(true);
    const bad = `contact_id,variant,outcome\n${contacts[1].id},A,clicked\n${contacts[2].id},B,\nnope,B,clicked\n`;
    const result = await service.importPilot(PORTAL, 'second.csv', bad);
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 3, message: 'outcome is missing' },
        { line: 4, message: 'contact id must be a HubSpot record id (digits only)' },
      ],
      truncated: 0,
    });
    expect(deps.pilots.replaceCalls).toBe(1);
    expect((await deps.pilots.latest(PORTAL))!.fileName).toBe('first.csv');
  });

  it('rejects a pilot in which no contact belongs to the portal', async () => {
    const { deps, service } = setUp(50);
    const result = await service.importPilot(PORTAL, 'other.csv', 'contact_id,variant,outcome\n999999999,A,clicked\n');
    expect(result).toMatchObject({ ok: false, errors: [{ line: 1, message: expect.stringMatching(/none of the 1 contacts/) }] });
    expect(deps.pilots.replaceCalls).toBe(0);
  });

  it('validates a pilot: finds the planted lift, resolves emails, and judges every hypothesis', async () => {
    const { service, contacts, ruleSet } = setUp(2400);
    const counts = new Map<string, number>();
    for (const c of contacts) if (c.personaId) counts.set(c.personaId, (counts.get(c.personaId) ?? 0) + 1);
    const lifted = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const csv = `${pilotCsv(contacts, lifted, 8)}\n123456789,,A,clicked,1`;
    const imported = await service.importPilot(PORTAL, 'pilot.csv', csv);
    expect(imported).toMatchObject({ ok: true, contacts: 2400, unmatched: 1 });
    const { report } = await service.validate(PORTAL);
    const analysis = report.analysis!;
    expect(analysis.outcomes).toEqual(['clicked', 'delivered']);
    const clicked = analysis.comparisons.filter((c) => c.outcome === 'clicked' && c.status === 'tested');
    const liftedComparison = clicked.find((c) => c.personaId === lifted)!;
    expect(liftedComparison.significant).toBe(true);
    expect(liftedComparison.difference).toBeGreaterThan(0.1);
    expect(clicked.filter((c) => c.personaId !== lifted && c.significant)).toEqual([]);
    expect(analysis.comparisons.filter((c) => c.outcome === 'delivered').every((c) => !c.significant)).toBe(true);
    expect(analysis.sampleRatio.overall.mismatch).toBe(false);
    expect(report.pilot).toMatchObject({ rows: 4801, contacts: 2400, unmatched: { contacts: 1 } });
    expect(report.hypotheses.map((h) => h.personaId)).toEqual(ruleSet.personas.filter((p) => p.hypothesis).map((p) => p.id));
    for (const verdict of report.hypotheses) {
      expect(['supported', 'refuted', 'not-yet-known']).toContain(verdict.status);
      expect(verdict.explanation.length).toBeGreaterThan(10);
    }
  });

  it('reviews drift between stored snapshots and stores the report', async () => {
    const { deps, service, contacts, ruleSet } = setUp(400);
    const now = deps.clock.now();
    const day = 86_400_000;
    const entries = contacts.map((c) => ({
      contactId: c.id,
      personaId: c.personaId,
      score: 50,
      firedRules: c.personaId ? [ruleSet.personas.find((p) => p.id === c.personaId)!.rules[0].label] : [],
    }));
    deps.assignments.add(PORTAL, { id: 'old', takenAt: new Date(now - 80 * day).toISOString(), entries });
    deps.assignments.add(PORTAL, { id: 'mid', takenAt: new Date(now - 1.5 * day).toISOString(), entries });
    const shifted = entries.map((e, i) => (i % 3 === 0 ? { ...e, personaId: null, firedRules: [] } : e));
    deps.assignments.add(PORTAL, { id: 'new', takenAt: new Date(now - 0.5 * day).toISOString(), entries: shifted });
    const quarterly = await service.review(PORTAL, 'quarterly');
    expect(quarterly.report.drift!.earlier.id).toBe('old');
    expect(quarterly.report.drift!.later.id).toBe('new');
    expect(quarterly.report.drift!.moved.total).toBeGreaterThan(100);
    const nightly = await service.review(PORTAL, 'nightly');
    expect(nightly.report.drift!.earlier.id).toBe('mid');
    expect((await service.listReports(PORTAL)).map((r) => r.kind)).toEqual(['review-nightly', 'review-quarterly']);
  });

  it('explains that drift needs two snapshots when there are none', async () => {
    const { service } = setUp(50);
    const { report } = await service.review(PORTAL);
    expect(report.drift).toBeNull();
    expect(report.notes.join(' ')).toMatch(/needs two assignment snapshots/);
  });

  it('previews a draft rule set built from suggestions, and rejects an invalid one', async () => {
    const { service, ruleSet } = setUp(1200);
    const { report } = await service.discover(PORTAL);
    const draft = suggestionsToDraftRuleSet(
      ruleSet,
      report.clusters.slice(0, 2).map((c) => c.suggestion),
    );
    const preview = await service.previewDraft(PORTAL, draft);
    expect(preview.contacts).toBe(1200);
    expect(preview.personas.reduce((sum, p) => sum + p.contacts, 0)).toBe(1200);
    expect(preview.personas.filter((p) => p.draft).map((p) => p.personaId)).toEqual(
      report.clusters.slice(0, 2).map((c) => c.suggestion.persona.id),
    );
    await expect(service.previewDraft(PORTAL, { ...draft, version: 2 })).rejects.toBeInstanceOf(AppError);
  });

  it('reads a pilot from contact properties when asked to', async () => {
    const { deps, service } = setUp(1600);
    const random = seededRandom(13);
    const contacts = (await collect(deps.contacts.streamForAnalysis(PORTAL))).map((contact, i) => {
      if (i % 4 === 3) return contact;
      const variant = random() < 0.5 ? 'plain' : 'tailored';
      const rate = contact.personaId === 'developer' && variant === 'tailored' ? 0.4 : 0.1;
      return {
        ...contact,
        properties: { ...contact.properties, pilot_message: variant, pilot_clicked: random() < rate ? 'true' : 'false' },
      };
    });
    deps.contacts.set(PORTAL, contacts);
    const { report } = await service.validate(PORTAL, {
      fromProperties: { variantProperty: 'pilot_message', outcomes: { clicked: 'pilot_clicked' } },
    });
    expect(report.analysis!.contacts).toBe(1200);
    expect(report.analysis!.control).toBe('plain');
    const developer = report.analysis!.comparisons.find((c) => c.personaId === 'developer')!;
    expect(developer.variantRate).toBeGreaterThan(developer.controlRate);
    expect(report.notes[0]).toMatch(/read from contact properties/);
  });

  it('turns chosen clusters of a stored discovery into a previewed draft, refusing unknown clusters', async () => {
    const { service, ruleSet } = setUp(800);
    const { id, report } = await service.discover(PORTAL);
    const { ruleSet: draft, preview } = await service.draftFromDiscovery(PORTAL, id, [0]);
    expect(draft.personas.length).toBe(ruleSet.personas.length + 1);
    expect(draft.personas.at(-1)!.id).toBe(report.clusters[0].suggestion.persona.id);
    expect(preview.personas.find((p) => p.draft)!.personaId).toBe(report.clusters[0].suggestion.persona.id);
    await expect(service.draftFromDiscovery(PORTAL, id, [99])).rejects.toThrow(/unknown: 99/);
    const validation = await service.validate(PORTAL);
    await expect(service.draftFromDiscovery(PORTAL, validation.id, [0])).rejects.toThrow(/not a discovery report/);
  });
});

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

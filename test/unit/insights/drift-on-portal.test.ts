import defaultRuleSet from '../../../config/personas.json';
import type { AssignmentSnapshot } from '../../../src/insights/drift';
import type { AnalysisContact } from '../../../src/insights/feature-catalogue';
import { InsightsService } from '../../../src/insights/insights-service';
import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import { validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { fakeInsightsDeps } from './support/memory-insights-ports';
import { plantedPortal } from './support/planted-data';

const PORTAL = 55;
const DAY = 86_400_000;

describe('quarterly review on a sandbox portal whose developers changed behaviour', () => {
  it('measures a large shift for the developer persona, little for the others, and names the rule that stopped firing', async () => {
    const validation = validateRuleSet(defaultRuleSet);
    if (!validation.ok) throw new Error('invalid default rule set');
    const ruleSet = validation.ruleSet;
    const engine = compileRuleSet(ruleSet);
    const planted = plantedPortal(17, 2500);
    const now = planted.portal.referenceTime;

    const snapshot = (id: string, takenAt: number, contacts: readonly AnalysisContact[]): AssignmentSnapshot => ({
      id,
      takenAt: new Date(takenAt).toISOString(),
      entries: contacts.map((contact) => {
        // Both rescores use the same clock, so only the data change can move anyone.
        const assignment = engine.assign(contact, now);
        return {
          contactId: contact.id,
          personaId: assignment.assigned ? assignment.personaId : null,
          score: assignment.score,
          firedRules: assignment.explanation.firedRules.map((rule) => rule.label),
        };
      }),
    });
    // The market moved: developers stopped reading the docs and stopped filing tickets.
    const shifted = planted.contacts.map((contact, i) =>
      planted.groups[i] === 'developer'
        ? { ...contact, properties: { ...contact.properties, hs_analytics_num_page_views: '3' }, tickets: [] }
        : contact,
    );

    const deps = fakeInsightsDeps(now);
    deps.ruleSets.set(PORTAL, ruleSet);
    deps.contacts.set(PORTAL, shifted);
    deps.assignments.add(PORTAL, snapshot('before', now - 85 * DAY, planted.contacts));
    deps.assignments.add(PORTAL, snapshot('after', now - DAY, shifted));
    const { report } = await new InsightsService(deps).review(PORTAL, 'quarterly');

    const drift = report.drift!;
    const byPersona = new Map(drift.personas.map((p) => [p.personaId, p]));
    const developer = byPersona.get('developer')!;
    expect(Math.max(developer.shareContribution, developer.scorePsi)).toBeGreaterThan(0.25);
    expect(developer.level).toBe('major');
    for (const stable of ['ops_leader', 'marketing_ops', 'support_lead', 'not_a_fit']) {
      const persona = byPersona.get(stable)!;
      expect(persona.shareContribution).toBeLessThan(0.1);
      expect(persona.scorePsi).toBeLessThan(0.1);
    }
    expect(drift.rulesStoppedFiring.map((r) => `${r.personaId}: ${r.label}`)).toEqual(
      expect.arrayContaining([
        'developer: Reads the documentation in depth',
        'developer: Bug report or feature request in the last 180 days',
      ]),
    );
    expect(drift.rulesStoppedFiring.every((r) => r.personaId === 'developer')).toBe(true);
    expect(drift.moved.flows[0].from).toBe('developer');
    expect(drift.findings.map((f) => `${f.kind}:${f.subject}`)).toContain('persona-shift:developer');
  });
});

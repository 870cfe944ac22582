import { buildCardView } from '../../../src/card-api/build-card-view';
import type { CardView } from '../../../src/card-api/card-view';
import { compileRuleSet } from '../../../src/personas/engine';
import type { PortalRecord } from '../../../src/install/portal-store';
import { WorkflowPersonaService } from '../../../src/workflow-action/workflow-persona-service';
import { anAssignment, anEvaluation, anExplanation, anInput, champion, ruleSet, unassignedAssignment } from '../card-api/card-fixtures';
import { aRuleSet } from '../../support/rule-set-builders';

const fullRuleSet = aRuleSet([...ruleSet.personas], { unassigned: { id: 'no_persona', label: 'No persona yet' } });

function serviceWith(views: Record<string, CardView>) {
  return new WorkflowPersonaService({
    cardQueries: { getCardView: async (_portalId, contactId) => views[contactId] ?? null },
    ruleSets: { live: async () => ({ version: 3, ruleSet: fullRuleSet, compiled: compileRuleSet(fullRuleSet) }) },
    portals: { get: async (portalId) => (portals[portalId] ? ({ ...portals[portalId], portalId } as PortalRecord) : null) },
  });
}

const portals: Record<number, Pick<PortalRecord, 'state'>> = {
  101: { state: 'installed' },
  102: { state: 'needs_reauth' },
  103: { state: 'uninstalled' },
};

describe('WorkflowPersonaService', () => {
  it('reports the effective persona and its score', async () => {
    const service = serviceWith({ '501': buildCardView(anInput({ assignment: anAssignment({ score: 45 }) })) });

    await expect(service.personaFor(101, '501')).resolves.toEqual({
      personaId: 'explorer',
      label: ruleSet.personas.find((p) => p.id === 'explorer')!.name,
      score: 45,
    });
  });

  it("reports a manual value over the computed persona, with the rules' score for it", async () => {
    const service = serviceWith({
      '501': buildCardView(
        anInput({
          override: { persona: 'champion', by: null, at: Date.parse('2026-11-01T00:00:00Z') },
          evaluation: anExplanation([anEvaluation(champion, { 'Big team': true }, [{ label: 'Big team', points: 30 }])]),
        }),
      ),
    });

    await expect(service.personaFor(101, '501')).resolves.toEqual({ personaId: 'champion', label: champion.name, score: 30 });
  });

  it("reports the portal rule set's unassigned option for a contact no persona fits", async () => {
    const service = serviceWith({ '501': buildCardView(anInput({ assignment: unassignedAssignment })) });

    await expect(service.personaFor(101, '501')).resolves.toEqual({ personaId: 'no_persona', label: 'No persona yet', score: 0 });
  });

  it("offers the live rule set's personas in order, then the unassigned option, as the workflow editor's choices", async () => {
    const options = await serviceWith({}).personaOptions(101);
    expect(options.map((o) => [o.value, o.label])).toEqual([
      ...fullRuleSet.personas.map((p) => [p.id, p.name]),
      ['no_persona', 'No persona yet'],
    ]);
    expect(options[0].description).toBe(fullRuleSet.personas[0].profile.bio);
  });

  it('reports nothing for a contact that does not exist', async () => {
    await expect(serviceWith({}).personaFor(101, '404')).resolves.toBeNull();
  });

  it('counts a portal as installed until it uninstalls; one needing re-authorisation still has the app', async () => {
    const service = serviceWith({});
    await expect(Promise.all([101, 102, 103, 999].map((p) => service.isInstalled(p)))).resolves.toEqual([true, true, false, false]);
  });
});

import type { CardQueries } from '../card-api/card-routes';
import type { PortalId } from '../crm/model';
import type { PortalStore } from '../install/portal-store';
import type { RuleSetService } from '../personas/rule-set-service';
import type { WorkflowActionPort, WorkflowPersona, WorkflowPersonaOption } from './workflow-action-routes';

export interface WorkflowPersonaServiceDeps {
  /** The card's view of a contact is the effective persona with its score; the action reports the same. */
  readonly cardQueries: Pick<CardQueries, 'getCardView'>;
  readonly ruleSets: Pick<RuleSetService, 'live'>;
  readonly portals: Pick<PortalStore, 'get'>;
}

/** The workflow action's answers: the effective persona (manual value first) and the portal's live choices. */
export class WorkflowPersonaService implements WorkflowActionPort {
  constructor(private readonly deps: WorkflowPersonaServiceDeps) {}

  async personaFor(portalId: PortalId, contactId: string): Promise<WorkflowPersona | null> {
    const view = await this.deps.cardQueries.getCardView(portalId, contactId);
    if (!view) return null;
    if (!view.persona) return this.unassigned(portalId);
    return { personaId: view.persona.id, label: view.persona.name || view.persona.id, score: view.score?.score ?? 0 };
  }

  async isInstalled(portalId: PortalId): Promise<boolean> {
    const portal = await this.deps.portals.get(portalId);
    return portal !== null && portal.state !== 'uninstalled';
  }

  async unassigned(portalId: PortalId): Promise<WorkflowPersona> {
    const { unassigned } = (await this.deps.ruleSets.live(portalId)).ruleSet;
    return { personaId: unassigned.id, label: unassigned.label, score: 0 };
  }

  async personaOptions(portalId: PortalId): Promise<WorkflowPersonaOption[]> {
    const { ruleSet } = await this.deps.ruleSets.live(portalId);
    return [
      ...ruleSet.personas.map((p) => ({ value: p.id, label: p.name, description: p.profile.bio })),
      { value: ruleSet.unassigned.id, label: ruleSet.unassigned.label, description: 'No persona applies' },
    ];
  }
}

import type { CardQueries } from '../card-api/card-routes';
import type { PortalId } from '../crm/model';
import type { PortalStore } from '../install/portal-store';
import type { RuleSetService } from '../personas/rule-set-service';
import type { WorkflowActionPort, WorkflowPersona } from './workflow-action-routes';

export interface WorkflowPersonaServiceDeps {
  /** The card's view of a contact is the effective persona with its score; the action reports the same. */
  readonly cardQueries: Pick<CardQueries, 'getCardView'>;
  readonly ruleSets: Pick<RuleSetService, 'live'>;
  readonly portals: Pick<PortalStore, 'get'>;
}

/** The workflow action's answer: the effective persona (manual value first) and its rule score. */
export class WorkflowPersonaService implements WorkflowActionPort {
  constructor(private readonly deps: WorkflowPersonaServiceDeps) {}

  async personaFor(portalId: PortalId, contactId: string): Promise<WorkflowPersona | null> {
    const view = await this.deps.cardQueries.getCardView(portalId, contactId);
    if (!view) return null;
    if (!view.persona) return { personaId: await this.unassignedId(portalId), score: 0 };
    return { personaId: view.persona.id, score: view.score?.score ?? 0 };
  }

  async isInstalled(portalId: PortalId): Promise<boolean> {
    const portal = await this.deps.portals.get(portalId);
    return portal !== null && portal.state !== 'uninstalled';
  }

  async unassignedId(portalId: PortalId): Promise<string> {
    return (await this.deps.ruleSets.live(portalId)).ruleSet.unassigned.id;
  }
}

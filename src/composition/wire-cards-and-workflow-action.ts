import type { RequestHandler, Router } from 'express';
import { CardQueryService } from '../card-api/card-query-service';
import { createCardRoutes } from '../card-api/card-routes';
import { createCompanyCardRoutes } from '../card-api/company-card-routes';
import { CompanyCardService } from '../card-api/company-card-service';
import { WHAT_THEY_SAY_SHOWN } from '../crm/crm-store';
import type { InsightsService } from '../insights/insights-service';
import type { RuleSetService } from '../personas/rule-set-service';
import type { SyncService } from '../sync/sync-service';
import { createWorkflowActionRoutes } from '../workflow-action/workflow-action-routes';
import { WorkflowPersonaService } from '../workflow-action/workflow-persona-service';
import type { Wiring } from './wiring';

const DAY_MS = 86_400_000;
/** HubSpot retries a workflow action for up to three days. */
const WORKFLOW_ANSWER_RETENTION_MS = 7 * DAY_MS;

/** Where reps and workflows meet the persona: the contact and company cards, their preview, the workflow action. */
export function wireCardsAndWorkflowAction(
  { config, logger, clock, stores, jobs }: Wiring,
  parts: {
    ruleSets: RuleSetService;
    sync: SyncService;
    insights: InsightsService;
    /** Runs a change to these contacts, then rewrites the buying committee of the companies they were and are on. */
    withCompaniesOf: <T>(portalId: number, contactIds: readonly string[], change: () => Promise<T>) => Promise<T>;
    /** The admin's guard for pages a person opens (the card preview). */
    pageGuard: RequestHandler;
  },
): Router[] {
  const { ruleSets, sync, insights, withCompaniesOf, pageGuard } = parts;
  const cardQueries = new CardQueryService({
    crm: stores.crm,
    assignments: stores.assignments,
    ruleSets,
    sync: { refreshContacts: (portalId, ids) => withCompaniesOf(portalId, ids, () => sync.refreshContacts(portalId, ids)) },
    clock,
    verdicts: (id) => insights.personaVerdicts(id),
    whatTheySay: (id, personaId) => stores.crm.recentSurveyComments(id, personaId, WHAT_THEY_SAY_SHOWN),
  });
  const signed = { clientSecret: config.hubspot.clientSecret, appBaseUrl: config.appBaseUrl, clock, logger };
  jobs.schedule({
    name: 'workflow-callbacks',
    cron: config.jobs.reconcileCron,
    run: () => stores.workflowCallbacks.purgeBefore(clock.now() - WORKFLOW_ANSWER_RETENTION_MS),
  });
  return [
    createCardRoutes({ ...signed, cardQueries, adminGuard: pageGuard }),
    createCompanyCardRoutes({
      ...signed,
      companyCards: new CompanyCardService({ crm: stores.crm, ruleSets, clock }),
      adminGuard: pageGuard,
    }),
    createWorkflowActionRoutes({
      ...signed,
      workflowAction: new WorkflowPersonaService({ cardQueries, ruleSets, portals: stores.portals }),
      responses: stores.workflowCallbacks,
    }),
  ];
}

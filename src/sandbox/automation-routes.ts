import express, { type Response, type Router } from 'express';
import { sendError } from './hubspot-errors';

/**
 * Lists (v3) and workflows (automation v4 flows), in HubSpot's shapes, for the app's "what would a
 * publish touch" check. HubSpot's documentation, as read for this sandbox:
 * - `POST /crm/v3/lists/search` answers `{ lists, total, offset, hasMore }` whose items carry no
 *   filter definition; `GET /crm/v3/lists/?listIds=…&includeFilters=true` answers `{ lists }` with
 *   each list's `filterBranch`. Both need the `crm.lists.read` scope.
 * - `GET /automation/v4/flows` answers `{ results, paging? }` of flow summaries (no actions);
 *   `POST /automation/v4/flows/batch/read` with `{ inputs: [{ flowId, type: "FLOW_ID" }] }` answers
 *   the full flows (enrollment criteria, actions with their branches). They need `automation`.
 * A call without the scope gets HubSpot's 403 MISSING_SCOPES, never a friendlier empty answer.
 */

export interface SandboxList {
  readonly listId: string;
  readonly name: string;
  readonly processingType: 'DYNAMIC' | 'MANUAL' | 'SNAPSHOT';
  readonly objectTypeId: string;
  readonly size: number;
  readonly filterBranch: unknown;
}

export interface SandboxFlow {
  readonly id: string;
  readonly name: string;
  readonly isEnabled: boolean;
  readonly objectTypeId: string;
  readonly enrollmentCriteria?: unknown;
  readonly actions: readonly unknown[];
}

export interface AutomationData {
  lists: SandboxList[];
  flows: SandboxFlow[];
}

export const LIST_SEARCH_MAX_COUNT = 500;
export const FLOWS_MAX_LIMIT = 100;
export const FLOWS_BATCH_MAX_INPUTS = 100;

const propertyFilter = (property: string, operator: string, values: string[]) => ({
  filterType: 'PROPERTY',
  property,
  operation: { operationType: 'ENUMERATION', operator, values, includeObjectsWithNoValueSet: false },
});
const andBranch = (filters: unknown[]) => ({
  filterBranchType: 'OR',
  filterBranchOperator: 'OR',
  filters: [],
  filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filters, filterBranches: [] }],
});

/** What a portal's marketers built on the persona property: one list and one workflow per use, and one that ignores it. */
export function defaultAutomation(personaProperty = 'persona'): AutomationData {
  return {
    lists: [
      {
        listId: '101',
        name: 'Analysts for the webinar series',
        processingType: 'DYNAMIC',
        objectTypeId: '0-1',
        size: 0,
        filterBranch: andBranch([propertyFilter(personaProperty, 'IS_ANY_OF', ['data_analyst'])]),
      },
      {
        listId: '102',
        name: 'Customers',
        processingType: 'DYNAMIC',
        objectTypeId: '0-1',
        size: 0,
        filterBranch: andBranch([propertyFilter('lifecyclestage', 'IS_ANY_OF', ['customer'])]),
      },
    ],
    flows: [
      {
        id: '9001',
        name: 'Nurture analysts',
        isEnabled: true,
        objectTypeId: '0-1',
        enrollmentCriteria: {
          type: 'LIST_BASED',
          shouldReEnroll: false,
          listFilterBranch: andBranch([propertyFilter('lifecyclestage', 'IS_ANY_OF', ['lead', 'marketingqualifiedlead'])]),
        },
        actions: [
          {
            actionId: '1',
            type: 'STATIC_BRANCH',
            inputValue: { type: 'OBJECT_PROPERTY', propertyName: personaProperty },
            staticBranches: [
              { branchValue: 'data_analyst', connection: { edgeType: 'STANDARD', nextActionId: '2' } },
              { branchValue: 'ops_leader', connection: { edgeType: 'STANDARD', nextActionId: '3' } },
            ],
            defaultBranchName: 'Everyone else',
          },
        ],
      },
      {
        id: '9002',
        name: 'Welcome new leads',
        isEnabled: true,
        objectTypeId: '0-1',
        actions: [{ actionId: '1', type: 'SINGLE_CONNECTION', actionTypeId: '0-4' }],
      },
    ],
  };
}

export interface AutomationRoutesDeps {
  /** The data of the portal the request's token belongs to (set by the auth middleware). */
  dataOf: (res: Response) => AutomationData;
  scopesOf: (res: Response) => readonly string[];
}

function missingScope(res: Response, scope: string): void {
  sendError(
    res,
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } }],
    },
  );
}

export function createAutomationRoutes(deps: AutomationRoutesDeps): Router {
  const router = express.Router();
  const requireScope = (scope: string) => (_req: express.Request, res: Response, next: express.NextFunction) =>
    deps.scopesOf(res).includes(scope) ? next() : missingScope(res, scope);
  const summary = ({ filterBranch: _f, ...list }: SandboxList) => ({
    ...list,
    listVersion: 1,
    processingStatus: 'COMPLETE',
    createdAt: '2026-01-05T10:00:00Z',
    updatedAt: '2026-01-05T10:00:00Z',
    additionalProperties: { hs_list_size: String(list.size) },
  });

  router.post('/crm/v3/lists/search', requireScope('crm.lists.read'), (req, res) => {
    const body = (req.body ?? {}) as { count?: unknown; offset?: unknown; processingTypes?: unknown; query?: unknown };
    const count = body.count === undefined ? 20 : Number(body.count);
    const offset = body.offset === undefined ? 0 : Number(body.offset);
    if (!Number.isInteger(count) || count < 1 || count > LIST_SEARCH_MAX_COUNT)
      return sendError(res, 400, 'VALIDATION_ERROR', `count must be between 1 and ${LIST_SEARCH_MAX_COUNT}`);
    if (!Number.isInteger(offset) || offset < 0) return sendError(res, 400, 'VALIDATION_ERROR', 'offset must be a non-negative integer');
    const types = Array.isArray(body.processingTypes) ? body.processingTypes.map(String) : null;
    const query = typeof body.query === 'string' ? body.query.toLowerCase() : '';
    const matching = deps
      .dataOf(res)
      .lists.filter((l) => (!types || types.includes(l.processingType)) && l.name.toLowerCase().includes(query));
    const page = matching.slice(offset, offset + count);
    res.json({
      lists: page.map(summary),
      total: matching.length,
      offset: offset + page.length,
      hasMore: offset + page.length < matching.length,
    });
  });

  router.get('/crm/v3/lists/', requireScope('crm.lists.read'), (req, res) => {
    const ids = ([] as unknown[]).concat(req.query.listIds ?? []).map(String);
    const withFilters = req.query.includeFilters === 'true';
    const lists = deps.dataOf(res).lists.filter((l) => ids.includes(l.listId));
    res.json({ lists: lists.map((l) => (withFilters ? { ...summary(l), filterBranch: l.filterBranch } : summary(l))) });
  });

  router.get('/automation/v4/flows', requireScope('automation'), (req, res) => {
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > FLOWS_MAX_LIMIT)
      return sendError(res, 400, 'VALIDATION_ERROR', `limit must be between 1 and ${FLOWS_MAX_LIMIT}`);
    const flows = deps.dataOf(res).flows;
    const start = req.query.after === undefined ? 0 : Math.max(0, flows.findIndex((f) => f.id === String(req.query.after)) + 1);
    const page = flows.slice(start, start + limit);
    const next = start + page.length < flows.length ? page[page.length - 1]?.id : undefined;
    res.json({
      results: page.map((f) => ({
        id: f.id,
        name: f.name,
        isEnabled: f.isEnabled,
        flowType: 'WORKFLOW',
        objectTypeId: f.objectTypeId,
        revisionId: '1',
        createdAt: '2026-01-05T10:00:00Z',
        updatedAt: '2026-01-05T10:00:00Z',
      })),
      ...(next ? { paging: { next: { after: next, link: `/automation/v4/flows?after=${next}` } } } : {}),
    });
  });

  router.post('/automation/v4/flows/batch/read', requireScope('automation'), (req, res) => {
    const inputs = (req.body as { inputs?: unknown } | undefined)?.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0) return sendError(res, 400, 'VALIDATION_ERROR', 'inputs must be a non-empty array');
    if (inputs.length > FLOWS_BATCH_MAX_INPUTS) return sendError(res, 400, 'VALIDATION_ERROR', `at most ${FLOWS_BATCH_MAX_INPUTS} inputs`);
    const ids = inputs.map((i) => String((i as { flowId?: unknown }).flowId));
    const found = deps.dataOf(res).flows.filter((f) => ids.includes(f.id));
    res.json({
      status: 'COMPLETE',
      startedAt: new Date().toISOString(),
      completedAt: new Date().toISOString(),
      results: found.map((f) => ({ ...f, type: 'CONTACT_FLOW', flowType: 'WORKFLOW', revisionId: '1' })),
    });
  });

  return router;
}

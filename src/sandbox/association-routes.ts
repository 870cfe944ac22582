import express, { type Request, type Response, type Router } from 'express';
import { sendValidationError } from './hubspot-errors';
import { SINGULAR, type ObjectKind } from './portal-store';
import {
  ASSOCIATION_BATCH_MAX_INPUTS,
  ASSOCIATION_PAGE,
  UPPER,
  TYPE_IDS,
  PRIMARY_TYPE_IDS,
  type CrmRoutesDeps,
  kindOf,
  associatedObjects,
  hasReadScope,
  notFound,
  batchTimes,
  readInputs,
} from './crm-route-helpers';

/** HubSpot's associations v4: batch read and per-record reads between contacts, tickets and companies. */
export function createAssociationRoutes(deps: CrmRoutesDeps): Router {
  const router = express.Router();

  const associationTypes = (from: ObjectKind, to: ObjectKind, primary: boolean) => {
    const types: Record<string, unknown>[] = [{ category: 'HUBSPOT_DEFINED', typeId: TYPE_IDS[`${from}:${to}`], label: null }];
    if (primary) types.push({ category: 'HUBSPOT_DEFINED', typeId: PRIMARY_TYPE_IDS[`${from}:${to}`], label: 'Primary' });
    return types;
  };
  const unsupportedPair = (from: ObjectKind | undefined, to: ObjectKind | undefined) =>
    !from || !to || from === to || TYPE_IDS[`${from}:${to}`] === undefined;

  const v4BatchRead = (req: Request, res: Response): void => {
    const from = kindOf(String(req.params.fromObjectType));
    const to = kindOf(String(req.params.toObjectType));
    if (unsupportedPair(from, to) || !from || !to)
      return sendValidationError(res, 'Unsupported association between these object types in the sandbox.');
    if (!hasReadScope(res, from) || !hasReadScope(res, to)) return;
    const store = deps.storeOf(res);
    const started = Date.now();
    const inputs = readInputs(res, req.body, ASSOCIATION_BATCH_MAX_INPUTS);
    if (!inputs) return;
    const results: Record<string, unknown>[] = [];
    const errors: Record<string, unknown>[] = [];
    for (const input of inputs) {
      const id = String(input.id ?? '');
      const all = store.get(from, id) ? associatedObjects(store, from, id, to) : [];
      const after = input.after === undefined ? 0 : Number(input.after);
      const page = all.slice(after, after + ASSOCIATION_PAGE);
      if (all.length === 0) {
        // [mem] HubSpot lists inputs without associations as errors and answers 207.
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${SINGULAR[to]} is associated with '${SINGULAR[from]}' ${id}.`,
          context: { fromObjectId: [id], fromObjectType: [UPPER[from]], toObjectType: [UPPER[to]] },
          errors: [],
        });
        continue;
      }
      const result: Record<string, unknown> = {
        from: { id },
        to: page.map((other) => ({ toObjectId: Number(other.id), associationTypes: associationTypes(from, to, other.primary) })),
      };
      if (after + ASSOCIATION_PAGE < all.length) result.paging = { next: { after: String(after + ASSOCIATION_PAGE) } };
      results.push(result);
    }
    const out: Record<string, unknown> = { status: 'COMPLETE', results, ...batchTimes(started) };
    if (errors.length === 0) return void res.json(out);
    res.status(207).json({ ...out, numErrors: errors.length, errors });
  };
  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', v4BatchRead);
  router.post('/crm/associations/2026-03/:fromObjectType/:toObjectType/batch/read', v4BatchRead);

  router.get('/crm/v4/objects/:fromObjectType/:objectId/associations/:toObjectType', (req, res) => {
    const from = kindOf(String(req.params.fromObjectType));
    const to = kindOf(String(req.params.toObjectType));
    if (unsupportedPair(from, to) || !from || !to)
      return sendValidationError(res, 'Unsupported association between these object types in the sandbox.');
    if (!hasReadScope(res, from) || !hasReadScope(res, to)) return;
    const store = deps.storeOf(res);
    const id = String(req.params.objectId);
    if (!store.get(from, id)) return notFound(res, from, id);
    const limit = Math.min(Number(req.query.limit ?? 500) || 500, 500);
    const after = Number(req.query.after ?? 0) || 0;
    const all = associatedObjects(store, from, id, to);
    const body: Record<string, unknown> = {
      results: all
        .slice(after, after + limit)
        .map((other) => ({ toObjectId: Number(other.id), associationTypes: associationTypes(from, to, other.primary) })),
    };
    if (after + limit < all.length) body.paging = { next: { after: String(after + limit) } };
    res.json(body);
  });

  return router;
}

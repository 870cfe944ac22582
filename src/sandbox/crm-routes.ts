import express, { type Request, type Response, type Router } from 'express';
import { sendError, sendValidationError } from './hubspot-errors';
import {
  ObjectNotFoundError,
  PropertyValidationError,
  type ChangeOrigin,
  type ObjectKind,
  type PortalStore,
  type StoredObject,
} from './portal-store';
import { SearchCapError, SearchRequestError, parseSearchRequest, runSearch } from './search';
import {
  type CrmRoutesDeps,
  LIST_MAX_LIMIT,
  BATCH_MAX_INPUTS,
  UPPER,
  kindOf,
  listParam,
  boolParam,
  serialize,
  associationsOf,
  hasReadScope,
  hasWriteScope,
  notFound,
  propertyError,
  readInputs,
  sendBatchResult,
} from './crm-route-helpers';
import { createAssociationRoutes } from './association-routes';
import { createPropertyRoutes } from './property-routes';

/** The CRM part of HubSpot's API the app uses: objects, search, batch, associations v4, properties. */

export function createCrmRoutes(deps: CrmRoutesDeps): Router {
  const router = express.Router();
  const origin = (): ChangeOrigin => ({ changeSource: 'INTEGRATION', sourceId: String(deps.appId) });
  const objectPrefixes = ['/crm/v3/objects/:objectType', '/crm/objects/2026-03/:objectType'];

  const withKind =
    (handler: (req: Request, res: Response, kind: ObjectKind, store: PortalStore) => void) =>
    (req: Request, res: Response): void => {
      const kind = kindOf(String(req.params.objectType));
      if (!kind) return sendError(res, 400, 'VALIDATION_ERROR', `Unable to infer object type from: ${String(req.params.objectType)}`);
      if (!hasReadScope(res, kind)) return;
      handler(req, res, kind, deps.storeOf(res));
    };

  /** Writes need the object's write scope on top of its read scope. */
  const withWriteKind = (handler: (req: Request, res: Response, kind: ObjectKind, store: PortalStore) => void) =>
    withKind((req, res, kind, store) => {
      if (hasWriteScope(res, kind)) handler(req, res, kind, store);
    });

  const list = withKind((req, res, kind, store) => {
    const limit = req.query.limit === undefined ? 10 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT) {
      return sendValidationError(res, `limit must be between 1 and ${LIST_MAX_LIMIT}`);
    }
    const after = req.query.after === undefined ? undefined : String(req.query.after);
    if (after !== undefined && !/^\d+$/.test(after)) return sendValidationError(res, `Invalid after cursor: ${after}`);
    const props = listParam(req.query.properties);
    const assoc = listParam(req.query.associations);
    const archived = boolParam(req.query.archived);
    const results: Record<string, unknown>[] = [];
    let nextAfter: string | undefined;
    for (const o of store.iterate(kind, { fromId: after, archived })) {
      if (results.length === limit) {
        nextAfter = o.id;
        break;
      }
      const item = serialize(store, kind, o, props);
      const a = associationsOf(store, kind, o.id, assoc);
      if (a) item.associations = a;
      results.push(item);
    }
    const body: Record<string, unknown> = { results };
    if (nextAfter !== undefined) {
      const link = new URL(`${deps.baseUrl()}${req.path}`);
      link.searchParams.set('after', nextAfter);
      link.searchParams.set('limit', String(limit));
      body.paging = { next: { after: nextAfter, link: link.toString() } };
    }
    res.json(body);
  });

  const findByEmail = (store: PortalStore, email: string): StoredObject | undefined => {
    const wanted = email.toLowerCase();
    for (const o of store.iterate('contacts')) if ((o.properties.email ?? '').toLowerCase() === wanted) return o;
    return undefined;
  };

  const getOne = withKind((req, res, kind, store) => {
    const id = String(req.params.objectId);
    const archived = boolParam(req.query.archived);
    const idProperty = req.query.idProperty === undefined ? undefined : String(req.query.idProperty);
    let o: StoredObject | undefined;
    if (idProperty === 'email' && kind === 'contacts') o = findByEmail(store, id);
    else if (idProperty === undefined || idProperty === 'hs_object_id') o = archived ? store.getAny(kind, id) : store.get(kind, id);
    else return sendValidationError(res, `Unsupported idProperty ${idProperty}`);
    if (!o || (archived && !o.archived)) return notFound(res, kind, id);
    const item = serialize(store, kind, o, listParam(req.query.properties));
    const a = associationsOf(store, kind, o.id, listParam(req.query.associations));
    if (a) item.associations = a;
    res.json(item);
  });

  const readProperties = (body: unknown): Record<string, unknown> | undefined => {
    const p = (body as { properties?: unknown } | undefined)?.properties;
    return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
  };

  const update = withWriteKind((req, res, kind, store) => {
    const id = String(req.params.objectId);
    const props = readProperties(req.body);
    if (!props) return sendValidationError(res, 'Invalid input JSON: properties is required.');
    if (!store.get(kind, id)) return notFound(res, kind, id);
    try {
      const updated = store.update(kind, id, store.validate(kind, props), origin());
      res.json(serialize(store, kind, updated, Object.keys(props)));
    } catch (e) {
      if (e instanceof PropertyValidationError) return propertyError(res, e);
      throw e;
    }
  });

  const create = withWriteKind((req, res, kind, store) => {
    const props = readProperties(req.body) ?? {};
    try {
      const created = store.create(kind, store.validate(kind, props), origin());
      res.status(201).json(serialize(store, kind, created, Object.keys(props)));
    } catch (e) {
      if (e instanceof PropertyValidationError) return propertyError(res, e);
      throw e;
    }
  });

  const archive = withWriteKind((req, res, kind, store) => {
    const id = String(req.params.objectId);
    // HubSpot answers 204 even when the record is already gone.
    if (store.get(kind, id)) store.archive(kind, id, origin());
    res.status(204).end();
  });

  const search = withKind((req, res, kind, store) => {
    if (((res.locals.rawBodyLength as number | undefined) ?? 0) > 3_000) {
      return sendValidationError(res, 'Request body is too large: search requests are limited to 3000 characters.');
    }
    try {
      const request = parseSearchRequest(req.body);
      const outcome = runSearch(store, kind, request);
      const results = outcome.ids.map((id) => serialize(store, kind, store.get(kind, id)!, request.properties));
      const body: Record<string, unknown> = { total: outcome.total, results };
      if (outcome.nextAfter !== undefined) body.paging = { next: { after: String(outcome.nextAfter) } };
      res.json(body);
    } catch (e) {
      if (e instanceof SearchCapError) {
        // docs/hubspot-contracts.md, Search: paging past 10,000 results is a 400; the exact message is not documented.
        return sendValidationError(
          res,
          'There was a problem with the request. Search can return at most 10000 results; paging beyond them is not allowed.',
          {
            subCategory: 'SEARCH_RESULT_LIMIT_EXCEEDED',
          },
        );
      }
      if (e instanceof SearchRequestError) return sendValidationError(res, e.message);
      throw e;
    }
  });

  const batchRead = withKind((req, res, kind, store) => {
    const started = Date.now();
    const inputs = readInputs(res, req.body, BATCH_MAX_INPUTS);
    if (!inputs) return;
    const body = req.body as { properties?: unknown; idProperty?: unknown };
    const props = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
    const archived = boolParam(req.query.archived);
    const results: Record<string, unknown>[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const id = String(input.id ?? '');
      const o =
        body.idProperty === 'email' && kind === 'contacts'
          ? findByEmail(store, id)
          : archived
            ? store.getAny(kind, id)
            : store.get(kind, id);
      if (o && o.archived === archived) results.push(serialize(store, kind, o, props));
      else missing.push(id);
    }
    sendBatchResult(res, { results, started, missing, what: `get some ${UPPER[kind]} objects` });
  });

  const batchUpdate = withWriteKind((req, res, kind, store) => {
    const started = Date.now();
    const inputs = readInputs(res, req.body, BATCH_MAX_INPUTS);
    if (!inputs) return;
    const ids = inputs.map((i) => String(i.id ?? ''));
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dupes.length > 0)
      return sendValidationError(res, `Duplicate IDs found in batch input: [${[...new Set(dupes)].join(', ')}]. IDs must be unique`);
    const validated: { id: string; props: Record<string, string | null> }[] = [];
    try {
      for (const input of inputs) {
        const props = input.properties && typeof input.properties === 'object' ? (input.properties as Record<string, unknown>) : undefined;
        if (!props) return sendValidationError(res, 'Invalid input JSON: every input needs properties.');
        validated.push({ id: String(input.id ?? ''), props: store.validate(kind, props) });
      }
    } catch (e) {
      // A validation problem in any input fails the whole batch, as HubSpot does.
      if (e instanceof PropertyValidationError) return propertyError(res, e);
      throw e;
    }
    const results: Record<string, unknown>[] = [];
    const missing: string[] = [];
    for (const { id, props } of validated) {
      try {
        const updated = store.update(kind, id, props, origin());
        results.push(serialize(store, kind, updated, Object.keys(props)));
      } catch (e) {
        if (e instanceof ObjectNotFoundError) missing.push(id);
        else throw e;
      }
    }
    sendBatchResult(res, { results, started, missing, what: `update some ${UPPER[kind]} objects` });
  });

  for (const prefix of objectPrefixes) {
    router.get(prefix, list);
    router.post(prefix, create);
    router.post(`${prefix}/search`, search);
    router.post(`${prefix}/batch/read`, batchRead);
    router.post(`${prefix}/batch/update`, batchUpdate);
    router.get(`${prefix}/:objectId`, getOne);
    router.patch(`${prefix}/:objectId`, update);
    router.delete(`${prefix}/:objectId`, archive);
  }

  router.use(createAssociationRoutes(deps));
  router.use(createPropertyRoutes(deps));
  return router;
}

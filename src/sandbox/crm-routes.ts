import express, { type Request, type Response, type Router } from 'express';
import { sendError, sendValidationError } from './hubspot-errors';
import {
  ObjectNotFoundError, PropertyValidationError, SINGULAR,
  type ChangeOrigin, type ObjectKind, type PortalStore, type StoredObject,
} from './portal-store';
import {
  ALWAYS_COMPANY_PROPERTIES, ALWAYS_CONTACT_PROPERTIES, ALWAYS_FEEDBACK_SUBMISSION_PROPERTIES, ALWAYS_TICKET_PROPERTIES,
  DEFAULT_COMPANY_PROPERTIES, DEFAULT_CONTACT_PROPERTIES, DEFAULT_FEEDBACK_SUBMISSION_PROPERTIES, DEFAULT_TICKET_PROPERTIES,
  type PropertyDefinition, type PropertyOption,
} from './property-definitions';
import { SearchCapError, SearchRequestError, parseSearchRequest, runSearch } from './search';

/** The CRM part of HubSpot's API the app uses: objects, search, batch, associations v4, properties. */

export const LIST_MAX_LIMIT = 100;
export const BATCH_MAX_INPUTS = 100;
export const ASSOCIATION_BATCH_MAX_INPUTS = 1_000;
const ASSOCIATION_PAGE = 500;

const UPPER: Record<ObjectKind, string> = {
  contacts: 'CONTACT', tickets: 'TICKET', companies: 'COMPANY', feedback_submissions: 'FEEDBACK_SUBMISSION',
};
const DEFAULT_PROPERTIES: Record<ObjectKind, string[]> = {
  contacts: DEFAULT_CONTACT_PROPERTIES, tickets: DEFAULT_TICKET_PROPERTIES,
  companies: DEFAULT_COMPANY_PROPERTIES, feedback_submissions: DEFAULT_FEEDBACK_SUBMISSION_PROPERTIES,
};
const ALWAYS_PROPERTIES: Record<ObjectKind, string[]> = {
  contacts: ALWAYS_CONTACT_PROPERTIES, tickets: ALWAYS_TICKET_PROPERTIES,
  companies: ALWAYS_COMPANY_PROPERTIES, feedback_submissions: ALWAYS_FEEDBACK_SUBMISSION_PROPERTIES,
};
/**
 * HubSpot-defined association type ids. Contact↔company pairs carry the unlabelled type and, for
 * the contact's primary company, also the "Primary" one (1 / 2). The feedback-submission ids are
 * from memory and unconfirmed; the app never relies on them.
 */
const TYPE_IDS: Record<string, number> = {
  'contacts:tickets': 15, 'tickets:contacts': 16,
  'contacts:companies': 279, 'companies:contacts': 280,
  'contacts:feedback_submissions': 96, 'feedback_submissions:contacts': 97,
};
const PRIMARY_TYPE_IDS: Record<string, number> = { 'contacts:companies': 1, 'companies:contacts': 2 };

/** Reading these objects needs these scopes; HubSpot answers 403 MISSING_SCOPES otherwise. */
const READ_SCOPES: Partial<Record<ObjectKind, string>> = {
  companies: 'crm.objects.companies.read',
  feedback_submissions: 'crm.objects.feedback_submissions.read',
};

export interface CrmRoutesDeps {
  appId: number;
  /** The store of the portal the request's token belongs to (set by the auth middleware). */
  storeOf: (res: Response) => PortalStore;
  baseUrl: () => string;
}

function kindOf(value: string): ObjectKind | undefined {
  if (value === 'contacts' || value === 'contact' || value === '0-1') return 'contacts';
  if (value === 'tickets' || value === 'ticket' || value === '0-5') return 'tickets';
  if (value === 'companies' || value === 'company' || value === '0-2') return 'companies';
  if (value === 'feedback_submissions' || value === 'feedback_submission' || value === '0-19') return 'feedback_submissions';
  return undefined;
}

/** `properties` arrives repeated (the SDK) or comma-joined (hand-written calls): accept both. */
function listParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  const names = values.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  return names;
}

function boolParam(value: unknown): boolean {
  return value === 'true' || value === true;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function serialize(
  store: PortalStore, kind: ObjectKind, o: StoredObject, requested: string[] | undefined,
): Record<string, unknown> {
  const defs = store.properties[kind];
  const names = requested && requested.length > 0
    ? [...new Set([...requested, ...ALWAYS_PROPERTIES[kind]])]
    : DEFAULT_PROPERTIES[kind];
  const properties: Record<string, string | null> = {};
  // Unknown property names are silently left out, as HubSpot does; known ones without a value are null.
  for (const name of names) if (defs.has(name)) properties[name] = o.properties[name] ?? null;
  const out: Record<string, unknown> = {
    id: o.id, properties, createdAt: iso(o.createdAt), updatedAt: iso(o.updatedAt), archived: o.archived,
  };
  if (o.archived && o.archivedAt !== undefined) out.archivedAt = iso(o.archivedAt);
  return out;
}

/** The objects of kind `to` associated with one object, each with whether the pair is the contact's primary company. */
export function associatedObjects(store: PortalStore, from: ObjectKind, id: string, to: ObjectKind): { id: string; primary: boolean }[] {
  const plain = (ids: string[]) => ids.map((other) => ({ id: other, primary: false }));
  const pair = `${from}:${to}`;
  if (pair === 'contacts:tickets') return plain(store.ticketIdsOfContact(id));
  if (pair === 'tickets:contacts') return plain(store.contactIdsOfTicket(id));
  if (pair === 'contacts:companies') return store.companyLinksOfContact(id).map((link) => ({ id: link.companyId, primary: link.primary }));
  if (pair === 'companies:contacts') {
    return store.contactIdsOfCompany(id).map((contactId) => ({ id: contactId, primary: store.links.primaryCompanyOf(contactId) === id }));
  }
  if (pair === 'contacts:feedback_submissions') return plain(store.surveyIdsOfContact(id));
  if (pair === 'feedback_submissions:contacts') return plain(store.contactIdsOfSurvey(id));
  return [];
}

function associationsOf(store: PortalStore, kind: ObjectKind, id: string, wanted: string[] | undefined): Record<string, unknown> | undefined {
  if (!wanted) return undefined;
  const result: Record<string, unknown> = {};
  for (const w of wanted) {
    const other = kindOf(w);
    if (!other || other === kind) continue;
    const linked = associatedObjects(store, kind, id, other);
    if (linked.length === 0) continue;
    const type = `${SINGULAR[kind]}_to_${SINGULAR[other]}`;
    // Between contacts and companies the v3 inline form names HubSpot's two types: every pair is
    // `contact_to_company_unlabeled`, and the primary pair is listed once more as `contact_to_company`.
    const labelled = TYPE_IDS[`${kind}:${other}`] !== undefined && PRIMARY_TYPE_IDS[`${kind}:${other}`] !== undefined;
    result[w] = {
      results: labelled
        ? linked.flatMap((o) => [...(o.primary ? [{ id: o.id, type }] : []), { id: o.id, type: `${type}_unlabeled` }])
        : linked.map((o) => ({ id: o.id, type })),
    };
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function missingScope(res: Response, scope: string): void {
  sendError(res, 403, 'MISSING_SCOPES', "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.", {
    errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } }],
  });
}

/** False (after answering 403) when the token lacks the scope these objects need. */
function hasReadScope(res: Response, kind: ObjectKind): boolean {
  const scope = READ_SCOPES[kind];
  const granted = res.locals.scopes as string[] | undefined;
  if (scope === undefined || granted === undefined || granted.includes(scope)) return true;
  missingScope(res, scope);
  return false;
}

function notFound(res: Response, kind: ObjectKind, id: string): void {
  sendError(res, 404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });
}

function propertyError(res: Response, e: PropertyValidationError): void {
  const detail = JSON.stringify(e.problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name })));
  sendValidationError(res, `Property values were not valid: ${detail}`, {
    errors: e.problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

function batchTimes(startedAt: number): { startedAt: string; completedAt: string } {
  return { startedAt: iso(startedAt), completedAt: iso(Date.now()) };
}

export function createCrmRoutes(deps: CrmRoutesDeps): Router {
  const router = express.Router();
  const origin = (): ChangeOrigin => ({ changeSource: 'INTEGRATION', sourceId: String(deps.appId) });
  const objectPrefixes = ['/crm/v3/objects/:objectType', '/crm/objects/2026-03/:objectType'];

  const withKind = (handler: (req: Request, res: Response, kind: ObjectKind, store: PortalStore) => void) =>
    (req: Request, res: Response): void => {
      const kind = kindOf(String(req.params.objectType));
      if (!kind) return sendError(res, 400, 'VALIDATION_ERROR', `Unable to infer object type from: ${String(req.params.objectType)}`);
      if (!hasReadScope(res, kind)) return;
      handler(req, res, kind, deps.storeOf(res));
    };

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

  const update = withKind((req, res, kind, store) => {
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

  const create = withKind((req, res, kind, store) => {
    const props = readProperties(req.body) ?? {};
    try {
      const created = store.create(kind, store.validate(kind, props), origin());
      res.status(201).json(serialize(store, kind, created, Object.keys(props)));
    } catch (e) {
      if (e instanceof PropertyValidationError) return propertyError(res, e);
      throw e;
    }
  });

  const archive = withKind((req, res, kind, store) => {
    const id = String(req.params.objectId);
    // HubSpot answers 204 even when the record is already gone.
    if (store.get(kind, id)) store.archive(kind, id, origin());
    res.status(204).end();
  });

  const search = withKind((req, res, kind, store) => {
    if ((res.locals.rawBodyLength as number | undefined ?? 0) > 3_000) {
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
        return sendValidationError(res, 'There was a problem with the request. Search can return at most 10000 results; paging beyond them is not allowed.', {
          subCategory: 'SEARCH_RESULT_LIMIT_EXCEEDED',
        });
      }
      if (e instanceof SearchRequestError) return sendValidationError(res, e.message);
      throw e;
    }
  });

  const readInputs = (res: Response, body: unknown, max: number): { id?: unknown; properties?: unknown; after?: unknown }[] | undefined => {
    const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
    if (!Array.isArray(inputs)) {
      sendValidationError(res, 'Invalid input JSON: inputs is required.');
      return undefined;
    }
    if (inputs.length > max) {
      sendValidationError(res, `Batch input limit exceeded: ${inputs.length} inputs given, at most ${max} allowed.`, { context: { limit: [String(max)] } });
      return undefined;
    }
    return inputs as { id?: unknown }[];
  };

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
      const o = body.idProperty === 'email' && kind === 'contacts'
        ? findByEmail(store, id)
        : archived ? store.getAny(kind, id) : store.get(kind, id);
      if (o && o.archived === archived) results.push(serialize(store, kind, o, props));
      else missing.push(id);
    }
    sendBatchResult(res, { results, started, missing, what: `get some ${UPPER[kind]} objects` });
  });

  const batchUpdate = withKind((req, res, kind, store) => {
    const started = Date.now();
    const inputs = readInputs(res, req.body, BATCH_MAX_INPUTS);
    if (!inputs) return;
    const ids = inputs.map((i) => String(i.id ?? ''));
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dupes.length > 0) return sendValidationError(res, `Duplicate IDs found in batch input: [${[...new Set(dupes)].join(', ')}]. IDs must be unique`);
    const validated: { id: string; props: Record<string, string | null> }[] = [];
    try {
      for (const input of inputs) {
        const props = input.properties && typeof input.properties === 'object' ? input.properties as Record<string, unknown> : undefined;
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

  // ---------- associations v4 ----------

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
    if (unsupportedPair(from, to) || !from || !to) return sendValidationError(res, 'Unsupported association between these object types in the sandbox.');
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
          status: 'error', category: 'OBJECT_NOT_FOUND', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${SINGULAR[to]} is associated with '${SINGULAR[from]}' ${id}.`,
          context: { fromObjectId: [id], fromObjectType: [UPPER[from]], toObjectType: [UPPER[to]] }, errors: [],
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
    if (unsupportedPair(from, to) || !from || !to) return sendValidationError(res, 'Unsupported association between these object types in the sandbox.');
    if (!hasReadScope(res, from) || !hasReadScope(res, to)) return;
    const store = deps.storeOf(res);
    const id = String(req.params.objectId);
    if (!store.get(from, id)) return notFound(res, from, id);
    const limit = Math.min(Number(req.query.limit ?? 500) || 500, 500);
    const after = Number(req.query.after ?? 0) || 0;
    const all = associatedObjects(store, from, id, to);
    const body: Record<string, unknown> = {
      results: all.slice(after, after + limit).map((other) => ({ toObjectId: Number(other.id), associationTypes: associationTypes(from, to, other.primary) })),
    };
    if (after + limit < all.length) body.paging = { next: { after: String(after + limit) } };
    res.json(body);
  });

  // ---------- properties ----------

  const propKind = (req: Request, res: Response): ObjectKind | undefined => {
    const kind = kindOf(String(req.params.objectType));
    if (!kind) sendError(res, 400, 'VALIDATION_ERROR', `Unable to infer object type from: ${String(req.params.objectType)}`);
    return kind;
  };

  router.get('/crm/v3/properties/:objectType/groups', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    res.json({ results: [...deps.storeOf(res).groupsOf[kind].values()] });
  });

  router.post('/crm/v3/properties/:objectType/groups', (req, res) => {
    const kind = propKind(req, res);
    if (kind !== 'contacts' && kind !== 'companies') {
      return res.headersSent ? undefined : sendValidationError(res, 'The sandbox supports contact and company property groups only.');
    }
    const store = deps.storeOf(res);
    const groups = store.groupsOf[kind];
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(b.name) || typeof b.label !== 'string') {
      return sendValidationError(res, 'A property group needs a lowercase name and a label.');
    }
    if (groups.has(b.name)) {
      return sendError(res, 409, 'OBJECT_ALREADY_EXISTS', `A property group named '${b.name}' already exists.`);
    }
    const group = { name: b.name, label: b.label, displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1, archived: false };
    groups.set(group.name, group);
    res.status(201).json(group);
  });

  router.get('/crm/v3/properties/:objectType', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    res.json({ results: [...deps.storeOf(res).properties[kind].values()] });
  });

  router.get('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    const def = deps.storeOf(res).properties[kind].get(String(req.params.propertyName));
    if (!def) return sendError(res, 404, 'OBJECT_NOT_FOUND', `Unable to find property ${String(req.params.propertyName)}`);
    res.json(def);
  });

  const VALID_FIELD_TYPES: Record<string, string[]> = {
    enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
    string: ['text', 'textarea', 'file', 'html', 'phonenumber'],
    bool: ['booleancheckbox'],
    number: ['number', 'calculation_equation'],
    date: ['date'],
    datetime: ['date'],
  };

  const readOptions = (value: unknown): PropertyOption[] | string => {
    if (!Array.isArray(value)) return 'options must be an array';
    const out: PropertyOption[] = [];
    for (const [i, raw] of value.entries()) {
      const o = raw as Record<string, unknown>;
      if (typeof o?.label !== 'string' || typeof o?.value !== 'string') return `option ${i} needs a label and a value`;
      out.push({
        label: o.label, value: o.value, displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : i,
        hidden: o.hidden === true, description: typeof o.description === 'string' ? o.description : undefined, readOnly: false,
      });
    }
    const values = out.map((o) => o.value);
    const dupe = values.find((v, i) => values.indexOf(v) !== i);
    return dupe === undefined ? out : `duplicate option value ${dupe}`;
  };

  router.post('/crm/v3/properties/:objectType', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    const store = deps.storeOf(res);
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const key of ['name', 'label', 'type', 'fieldType', 'groupName']) {
      if (typeof b[key] !== 'string' || b[key] === '') return sendValidationError(res, `Property ${key} is required.`);
    }
    const name = b.name as string;
    if (!/^[a-z][a-z0-9_]*$/.test(name)) return sendValidationError(res, `Property name ${name} is invalid: use lowercase letters, digits and underscores, starting with a letter.`);
    if (!VALID_FIELD_TYPES[b.type as string]?.includes(b.fieldType as string)) {
      return sendValidationError(res, `fieldType ${String(b.fieldType)} is not valid for type ${String(b.type)}.`);
    }
    if ((kind === 'contacts' || kind === 'companies') && !store.groupsOf[kind].has(b.groupName as string)) {
      return sendValidationError(res, `Property group ${String(b.groupName)} does not exist.`);
    }
    if (store.properties[kind].has(name)) {
      // docs/hubspot-contracts.md, Properties, gives no body for this case; HubSpot's category for duplicates is OBJECT_ALREADY_EXISTS.
      return sendError(res, 409, 'OBJECT_ALREADY_EXISTS', `Property already exists: a property named '${name}' already exists.`, {
        subCategory: 'PropertyDefinitionError.PROPERTY_ALREADY_EXISTS', context: { name: [name] },
      });
    }
    const options = b.options === undefined ? [] : readOptions(b.options);
    if (typeof options === 'string') return sendValidationError(res, options);
    const now = iso(Date.now());
    const def: PropertyDefinition = {
      name, label: b.label as string, type: b.type as string, fieldType: b.fieldType as string,
      description: typeof b.description === 'string' ? b.description : '', groupName: b.groupName as string, options,
      displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1, calculated: false, externalOptions: false,
      hasUniqueValue: b.hasUniqueValue === true, hidden: b.hidden === true, hubspotDefined: false,
      formField: b.formField === true, archived: false, createdAt: now, updatedAt: now,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      createdUserId: '7000001', updatedUserId: '7000001',
    };
    store.properties[kind].set(name, def);
    res.status(201).json(def);
  });

  router.patch('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    const store = deps.storeOf(res);
    const name = String(req.params.propertyName);
    const def = store.properties[kind].get(name);
    if (!def) return sendError(res, 404, 'OBJECT_NOT_FOUND', `Unable to find property ${name}`);
    if (def.modificationMetadata.readOnlyDefinition) {
      return sendValidationError(res, `Property ${name} is a HubSpot-defined property whose definition cannot be changed.`);
    }
    const b = (req.body ?? {}) as Record<string, unknown>;
    const next: PropertyDefinition = { ...def, updatedAt: iso(Date.now()) };
    for (const key of ['label', 'description', 'groupName', 'type', 'fieldType'] as const) {
      if (typeof b[key] === 'string') next[key] = b[key] as string;
    }
    if (typeof b.displayOrder === 'number') next.displayOrder = b.displayOrder;
    if (typeof b.hidden === 'boolean') next.hidden = b.hidden;
    if (typeof b.formField === 'boolean') next.formField = b.formField;
    if (!VALID_FIELD_TYPES[next.type]?.includes(next.fieldType)) {
      return sendValidationError(res, `fieldType ${next.fieldType} is not valid for type ${next.type}.`);
    }
    if ((kind === 'contacts' || kind === 'companies') && !store.groupsOf[kind].has(next.groupName)) return sendValidationError(res, `Property group ${next.groupName} does not exist.`);
    if (b.options !== undefined) {
      // Sending options replaces the whole list (docs/hubspot-contracts.md, Properties: assumed, the conservative reading).
      const options = readOptions(b.options);
      if (typeof options === 'string') return sendValidationError(res, options);
      next.options = options;
    }
    store.properties[kind].set(name, next);
    res.json(next);
  });

  return router;
}

/** HubSpot's batch answer: 200 when every input was found, else 207 naming the missing ids. */
function sendBatchResult(res: Response, o: { results: unknown[]; started: number; missing: string[]; what: string }): void {
  const out: Record<string, unknown> = { status: 'COMPLETE', results: o.results, ...batchTimes(o.started) };
  if (o.missing.length === 0) {
    res.json(out);
    return;
  }
  res.status(207).json({
    ...out, numErrors: 1,
    errors: [{
      status: 'error', category: 'OBJECT_NOT_FOUND',
      message: `Could not ${o.what}, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: o.missing }, errors: [],
    }],
  });
}

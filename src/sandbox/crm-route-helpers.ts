import type { Response } from 'express';
import { sendError, sendValidationError } from './hubspot-errors';
import { PropertyValidationError, SINGULAR, type ObjectKind, type PortalStore, type StoredObject } from './portal-store';
import {
  ALWAYS_COMPANY_PROPERTIES,
  ALWAYS_CONTACT_PROPERTIES,
  ALWAYS_FEEDBACK_SUBMISSION_PROPERTIES,
  ALWAYS_TICKET_PROPERTIES,
  DEFAULT_COMPANY_PROPERTIES,
  DEFAULT_CONTACT_PROPERTIES,
  DEFAULT_FEEDBACK_SUBMISSION_PROPERTIES,
  DEFAULT_TICKET_PROPERTIES,
} from './property-definitions';

/** What the sandbox's CRM routes share: HubSpot's limits, type ids, default properties and answer shapes. */

export const LIST_MAX_LIMIT = 100;
export const BATCH_MAX_INPUTS = 100;
export const ASSOCIATION_BATCH_MAX_INPUTS = 1_000;
export const ASSOCIATION_PAGE = 500;

export const UPPER: Record<ObjectKind, string> = {
  contacts: 'CONTACT',
  tickets: 'TICKET',
  companies: 'COMPANY',
  feedback_submissions: 'FEEDBACK_SUBMISSION',
};
export const DEFAULT_PROPERTIES: Record<ObjectKind, string[]> = {
  contacts: DEFAULT_CONTACT_PROPERTIES,
  tickets: DEFAULT_TICKET_PROPERTIES,
  companies: DEFAULT_COMPANY_PROPERTIES,
  feedback_submissions: DEFAULT_FEEDBACK_SUBMISSION_PROPERTIES,
};
export const ALWAYS_PROPERTIES: Record<ObjectKind, string[]> = {
  contacts: ALWAYS_CONTACT_PROPERTIES,
  tickets: ALWAYS_TICKET_PROPERTIES,
  companies: ALWAYS_COMPANY_PROPERTIES,
  feedback_submissions: ALWAYS_FEEDBACK_SUBMISSION_PROPERTIES,
};
/**
 * HubSpot-defined association type ids. Contact↔company pairs carry the unlabelled type and, for
 * the contact's primary company, also the "Primary" one (1 / 2). The feedback-submission ids are
 * from memory and unconfirmed; the app never relies on them.
 */
export const TYPE_IDS: Record<string, number> = {
  'contacts:tickets': 15,
  'tickets:contacts': 16,
  'contacts:companies': 279,
  'companies:contacts': 280,
  'contacts:feedback_submissions': 96,
  'feedback_submissions:contacts': 97,
};
export const PRIMARY_TYPE_IDS: Record<string, number> = { 'contacts:companies': 1, 'companies:contacts': 2 };

/** Reading these objects needs these scopes; HubSpot answers 403 MISSING_SCOPES otherwise. */
export const READ_SCOPES: Partial<Record<ObjectKind, string>> = {
  companies: 'crm.objects.companies.read',
  feedback_submissions: 'crm.objects.feedback_submissions.read',
};

export interface CrmRoutesDeps {
  appId: number;
  /** The store of the portal the request's token belongs to (set by the auth middleware). */
  storeOf: (res: Response) => PortalStore;
  baseUrl: () => string;
}

export function kindOf(value: string): ObjectKind | undefined {
  if (value === 'contacts' || value === 'contact' || value === '0-1') return 'contacts';
  if (value === 'tickets' || value === 'ticket' || value === '0-5') return 'tickets';
  if (value === 'companies' || value === 'company' || value === '0-2') return 'companies';
  if (value === 'feedback_submissions' || value === 'feedback_submission' || value === '0-19') return 'feedback_submissions';
  return undefined;
}

/** `properties` arrives repeated (the SDK) or comma-joined (hand-written calls): accept both. */
export function listParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  const names = values
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return names;
}

export function boolParam(value: unknown): boolean {
  return value === 'true' || value === true;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function serialize(store: PortalStore, kind: ObjectKind, o: StoredObject, requested: string[] | undefined): Record<string, unknown> {
  const defs = store.properties[kind];
  const names = requested && requested.length > 0 ? [...new Set([...requested, ...ALWAYS_PROPERTIES[kind]])] : DEFAULT_PROPERTIES[kind];
  const properties: Record<string, string | null> = {};
  // Unknown property names are silently left out, as HubSpot does; known ones without a value are null.
  for (const name of names) if (defs.has(name)) properties[name] = o.properties[name] ?? null;
  const out: Record<string, unknown> = {
    id: o.id,
    properties,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    archived: o.archived,
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

export function associationsOf(
  store: PortalStore,
  kind: ObjectKind,
  id: string,
  wanted: string[] | undefined,
): Record<string, unknown> | undefined {
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

export function missingScope(res: Response, scope: string): void {
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

/**
 * Writing these objects, and creating or changing their properties, needs these scopes (HubSpot's
 * granular scopes; contacts and tickets are not checked yet). The buying committee writes companies.
 */
export const WRITE_SCOPES: Partial<Record<ObjectKind, string>> = { companies: 'crm.objects.companies.write' };
export const SCHEMA_WRITE_SCOPES: Partial<Record<ObjectKind, string>> = { companies: 'crm.schemas.companies.write' };

/** False (after answering 403) when the token lacks the scope these objects need. */
export function hasReadScope(res: Response, kind: ObjectKind): boolean {
  return hasScope(res, READ_SCOPES[kind]);
}

export function hasWriteScope(res: Response, kind: ObjectKind): boolean {
  return hasScope(res, WRITE_SCOPES[kind]);
}

export function hasSchemaWriteScope(res: Response, kind: ObjectKind): boolean {
  return hasScope(res, SCHEMA_WRITE_SCOPES[kind]);
}

function hasScope(res: Response, scope: string | undefined): boolean {
  const granted = res.locals.scopes as string[] | undefined;
  if (scope === undefined || granted === undefined || granted.includes(scope)) return true;
  missingScope(res, scope);
  return false;
}

export function notFound(res: Response, kind: ObjectKind, id: string): void {
  sendError(res, 404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });
}

export function propertyError(res: Response, e: PropertyValidationError): void {
  const detail = JSON.stringify(e.problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name })));
  sendValidationError(res, `Property values were not valid: ${detail}`, {
    errors: e.problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

export function batchTimes(startedAt: number): { startedAt: string; completedAt: string } {
  return { startedAt: iso(startedAt), completedAt: iso(Date.now()) };
}

/** The `inputs` of a batch request, or a 400 when they are missing or over HubSpot's limit. */
export function readInputs(
  res: Response,
  body: unknown,
  max: number,
): { id?: unknown; properties?: unknown; after?: unknown }[] | undefined {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs)) {
    sendValidationError(res, 'Invalid input JSON: inputs is required.');
    return undefined;
  }
  if (inputs.length > max) {
    sendValidationError(res, `Batch input limit exceeded: ${inputs.length} inputs given, at most ${max} allowed.`, {
      context: { limit: [String(max)] },
    });
    return undefined;
  }
  return inputs as { id?: unknown }[];
}

/** HubSpot's batch answer: 200 when every input was found, else 207 naming the missing ids. */
export function sendBatchResult(res: Response, o: { results: unknown[]; started: number; missing: string[]; what: string }): void {
  const out: Record<string, unknown> = { status: 'COMPLETE', results: o.results, ...batchTimes(o.started) };
  if (o.missing.length === 0) {
    res.json(out);
    return;
  }
  res.status(207).json({
    ...out,
    numErrors: 1,
    errors: [
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: `Could not ${o.what}, they may be deleted or not exist. Check that ids are valid.`,
        context: { ids: o.missing },
        errors: [],
      },
    ],
  });
}

import type { PropertyDefinition } from './property-definitions';
import type { ObjectKind, PortalStore, StoredObject } from './portal-store';

/**
 * CRM search as HubSpot evaluates it (docs/hubspot-contracts.md, Search): filter groups OR-ed, filters inside a group
 * AND-ed, one sort, offset paging capped at 10,000 results. Comparisons follow the property type:
 * numbers numerically, dates as epoch ms, enumerations case-sensitively, strings case-insensitively.
 */

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_RESULT_CAP = 10_000;
export const SEARCH_MAX_BODY_CHARS = 3_000;
// The docs say ≤5 groups, ≤6 filters per group and ≤18 in total; a changelog suggests more. Code to the lower numbers.
export const SEARCH_MAX_GROUPS = 5;
export const SEARCH_MAX_FILTERS_PER_GROUP = 6;
export const SEARCH_MAX_FILTERS = 18;

const OPERATORS = new Set([
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
]);

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: unknown;
  highValue?: unknown;
  values?: unknown[];
}

export interface SearchRequest {
  filterGroups: { filters: SearchFilter[] }[];
  sort?: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' };
  query?: string;
  properties?: string[];
  limit: number;
  after: number;
}

export class SearchRequestError extends Error {}

function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function parseSearchRequest(body: unknown): SearchRequest {
  if (!body || typeof body !== 'object') throw new SearchRequestError('Invalid input JSON: a search request body is required.');
  const b = body as Record<string, unknown>;
  const groups = b.filterGroups ?? [];
  if (!Array.isArray(groups)) throw new SearchRequestError('filterGroups must be an array.');
  if (groups.length > SEARCH_MAX_GROUPS)
    throw new SearchRequestError(`Too many filter groups: ${groups.length} given, at most ${SEARCH_MAX_GROUPS} allowed.`);
  let total = 0;
  const filterGroups = groups.map((g: unknown) => {
    const filters = (g as { filters?: unknown })?.filters ?? [];
    if (!Array.isArray(filters)) throw new SearchRequestError('filters must be an array.');
    if (filters.length > SEARCH_MAX_FILTERS_PER_GROUP) {
      throw new SearchRequestError(
        `Too many filters in a filter group: ${filters.length} given, at most ${SEARCH_MAX_FILTERS_PER_GROUP} allowed.`,
      );
    }
    total += filters.length;
    return {
      filters: filters.map((f: unknown) => {
        const filter = f as SearchFilter;
        if (!filter || typeof filter.propertyName !== 'string') throw new SearchRequestError('Each filter needs a propertyName.');
        const operator = filter.operator ?? 'EQ';
        if (!OPERATORS.has(operator)) throw new SearchRequestError(`Unknown operator "${String(operator)}".`);
        return { ...filter, operator };
      }),
    };
  });
  if (total > SEARCH_MAX_FILTERS) throw new SearchRequestError(`Too many filters: ${total} given, at most ${SEARCH_MAX_FILTERS} allowed.`);
  const sorts = b.sorts ?? [];
  if (!Array.isArray(sorts)) throw new SearchRequestError('sorts must be an array.');
  if (sorts.length > 1) throw new SearchRequestError('Only one sort is allowed.');
  let sort: SearchRequest['sort'];
  if (sorts.length === 1) {
    const s = sorts[0] as unknown;
    if (typeof s === 'string') {
      sort = s.startsWith('-') ? { propertyName: s.slice(1), direction: 'DESCENDING' } : { propertyName: s, direction: 'ASCENDING' };
    } else if (s && typeof s === 'object' && typeof (s as { propertyName?: unknown }).propertyName === 'string') {
      const dir = (s as { direction?: unknown }).direction;
      sort = { propertyName: (s as { propertyName: string }).propertyName, direction: dir === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING' };
    } else throw new SearchRequestError('Invalid sort.');
  }
  const limit = b.limit === undefined ? 10 : Number(b.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT) {
    throw new SearchRequestError(`limit must be between 1 and ${SEARCH_MAX_LIMIT}.`);
  }
  const afterRaw = b.after === undefined || b.after === null || b.after === '' ? '0' : asString(b.after);
  if (afterRaw === undefined || !/^\d+$/.test(afterRaw)) throw new SearchRequestError('after must be a non-negative integer offset.');
  const properties = b.properties === undefined ? undefined : b.properties;
  if (properties !== undefined && (!Array.isArray(properties) || properties.some((p) => typeof p !== 'string'))) {
    throw new SearchRequestError('properties must be an array of property names.');
  }
  const query = b.query === undefined ? undefined : asString(b.query);
  return { filterGroups, sort, query, properties: properties as string[] | undefined, limit, after: Number(afterRaw) };
}

type Comparable = number | string;

function toComparable(def: PropertyDefinition | undefined, raw: string): Comparable | undefined {
  const type = def?.type ?? 'string';
  if (type === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (type === 'datetime' || type === 'date') {
    if (/^-?\d+$/.test(raw.trim())) return Number(raw);
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (type === 'enumeration' || type === 'bool') return raw;
  return raw.toLowerCase();
}

function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export type FilterPredicate = (o: StoredObject) => boolean;

export function compileFilter(store: PortalStore, kind: ObjectKind, filter: SearchFilter): FilterPredicate {
  const { propertyName, operator } = filter;
  const assoc = /^associations\.(contact|ticket)$/.exec(propertyName);
  if (assoc) {
    const target = asString(filter.value) ?? '';
    const linked = (o: StoredObject) =>
      kind === 'tickets' ? store.contactIdsOfTicket(o.id).includes(target) : store.ticketIdsOfContact(o.id).includes(target);
    if (operator === 'EQ') return linked;
    if (operator === 'NEQ') return (o) => !linked(o);
    throw new SearchRequestError(`Operator ${operator} is not supported on ${propertyName}.`);
  }
  const def = store.properties[kind].get(propertyName);
  if (!def) throw new SearchRequestError(`Property "${propertyName}" does not exist.`);
  const valueOf = (o: StoredObject): string | null => {
    const v = o.properties[propertyName];
    return v === undefined || v === null || v === '' ? null : v;
  };
  const target = (v: unknown): Comparable => {
    const s = asString(v);
    if (s === undefined) throw new SearchRequestError(`Filter on "${propertyName}" needs a value.`);
    const c = toComparable(def, s);
    if (c === undefined) throw new SearchRequestError(`"${s}" is not a valid value for ${propertyName}.`);
    return c;
  };
  const cmp = (o: StoredObject): Comparable | undefined => {
    const v = valueOf(o);
    return v === null ? undefined : toComparable(def, v);
  };
  switch (operator) {
    case 'HAS_PROPERTY':
      return (o) => valueOf(o) !== null;
    case 'NOT_HAS_PROPERTY':
      return (o) => valueOf(o) === null;
    case 'EQ': {
      const t = target(filter.value);
      return (o) => {
        const c = cmp(o);
        return c !== undefined && compare(c, t) === 0;
      };
    }
    // Conservative reading: records without a value are "not equal".
    case 'NEQ': {
      const t = target(filter.value);
      return (o) => {
        const c = cmp(o);
        return c === undefined || compare(c, t) !== 0;
      };
    }
    case 'LT': {
      const t = target(filter.value);
      return (o) => {
        const c = cmp(o);
        return c !== undefined && compare(c, t) < 0;
      };
    }
    case 'LTE': {
      const t = target(filter.value);
      return (o) => {
        const c = cmp(o);
        return c !== undefined && compare(c, t) <= 0;
      };
    }
    case 'GT': {
      const t = target(filter.value);
      return (o) => {
        const c = cmp(o);
        return c !== undefined && compare(c, t) > 0;
      };
    }
    case 'GTE': {
      const t = target(filter.value);
      return (o) => {
        const c = cmp(o);
        return c !== undefined && compare(c, t) >= 0;
      };
    }
    case 'BETWEEN': {
      const lo = target(filter.value);
      const hi = target(filter.highValue);
      return (o) => {
        const c = cmp(o);
        return c !== undefined && compare(c, lo) >= 0 && compare(c, hi) <= 0;
      };
    }
    case 'IN':
    case 'NOT_IN': {
      if (!Array.isArray(filter.values)) throw new SearchRequestError(`${operator} needs a values array.`);
      // String IN values must be lowercase at HubSpot; stored values are lowercased before comparing.
      const set = new Set(
        filter.values.map((v) => {
          const s = asString(v) ?? '';
          return def.type === 'number' || def.type === 'datetime' || def.type === 'date' ? String(toComparable(def, s)) : s;
        }),
      );
      const has = (o: StoredObject) => {
        const c = cmp(o);
        return c !== undefined && set.has(String(c));
      };
      return operator === 'IN' ? has : (o) => !has(o);
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const token = (asString(filter.value) ?? '').replace(/\*/g, '').toLowerCase();
      const has = (o: StoredObject) => (valueOf(o) ?? '').toLowerCase().includes(token);
      return operator === 'CONTAINS_TOKEN' ? has : (o) => !has(o);
    }
    default:
      throw new SearchRequestError(`Unknown operator "${operator}".`);
  }
}

const QUERY_FIELDS: Record<ObjectKind, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'company', 'phone'],
  tickets: ['subject', 'content'],
  companies: ['name', 'domain'],
  feedback_submissions: ['hs_content', 'hs_survey_name'],
};

export interface SearchOutcome {
  total: number;
  ids: string[];
  nextAfter?: number;
}

/** Streams the portal once; keeps only ids (and sort keys), never whole records. */
export function runSearch(store: PortalStore, kind: ObjectKind, request: SearchRequest): SearchOutcome {
  if (request.after >= SEARCH_RESULT_CAP) throw new SearchCapError();
  const groups = request.filterGroups.map((g) => g.filters.map((f) => compileFilter(store, kind, f)));
  const query = request.query?.trim().toLowerCase();
  const matches = (o: StoredObject): boolean => {
    if (groups.length > 0 && !groups.some((g) => g.every((p) => p(o)))) return false;
    if (query) return QUERY_FIELDS[kind].some((f) => (o.properties[f] ?? '').toLowerCase().includes(query));
    return true;
  };
  const sort = request.sort;
  const sortDef = sort ? store.properties[kind].get(sort.propertyName) : undefined;
  if (sort && !sortDef) throw new SearchRequestError(`Property "${sort.propertyName}" does not exist.`);
  const end = Math.min(request.after + request.limit, SEARCH_RESULT_CAP);
  if (!sort) {
    let total = 0;
    const ids: string[] = [];
    for (const o of store.iterate(kind)) {
      if (!matches(o)) continue;
      if (total >= request.after && total < end) ids.push(o.id);
      total++;
    }
    return { total, ids, nextAfter: end < total ? end : undefined };
  }
  const keyed: { id: string; key: Comparable | undefined }[] = [];
  for (const o of store.iterate(kind)) {
    if (!matches(o)) continue;
    const raw = o.properties[sort.propertyName];
    keyed.push({ id: o.id, key: raw === null || raw === undefined || raw === '' ? undefined : toComparable(sortDef, raw) });
  }
  const dir = sort.direction === 'DESCENDING' ? -1 : 1;
  keyed.sort((a, b) => {
    if (a.key === undefined || b.key === undefined) {
      if (a.key === b.key) return Number(a.id) - Number(b.id);
      return a.key === undefined ? 1 : -1;
    }
    return dir * compare(a.key, b.key) || Number(a.id) - Number(b.id);
  });
  const total = keyed.length;
  return { total, ids: keyed.slice(request.after, end).map((k) => k.id), nextAfter: end < total ? end : undefined };
}

export class SearchCapError extends Error {
  constructor() {
    super(`Search can page through at most ${SEARCH_RESULT_CAP} results.`);
  }
}

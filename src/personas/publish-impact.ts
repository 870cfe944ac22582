import type { PortalId } from '../crm/model';
import type { PortalAutomationReader } from '../crm/hubspot-port';

/** A HubSpot list or workflow that reads the persona property for some of the given values. */
export interface PersonaUsage {
  readonly kind: 'list' | 'workflow';
  readonly id: string;
  readonly name: string;
  /** Where the value is read: a list's filters, a workflow's enrollment criteria, or one of its branches. */
  readonly where: 'filter' | 'enrollment' | 'branch';
  readonly values: readonly string[];
  readonly enabled: boolean;
}

export type UsageCheck =
  { readonly status: 'checked'; readonly items: readonly PersonaUsage[] } | { readonly status: 'could-not-check'; readonly reason: string };

export interface PublishImpact {
  readonly lists: UsageCheck;
  readonly workflows: UsageCheck;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every PROPERTY filter on `property` anywhere in a filter tree, with the values it names. */
function filterValues(tree: unknown, property: string, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(tree)) {
    for (const t of tree) filterValues(t, property, out);
    return out;
  }
  if (!isObject(tree)) return out;
  if (tree.filterType === 'PROPERTY' && tree.property === property && isObject(tree.operation)) {
    const op = tree.operation;
    for (const v of Array.isArray(op.values) ? op.values : [op.value]) if (typeof v === 'string') out.add(v);
  }
  for (const value of Object.values(tree)) if (typeof value === 'object') filterValues(value, property, out);
  return out;
}

/** Values a workflow's static branches on `property` route on (`branchValue`s). */
function branchValues(actions: unknown, property: string): Set<string> {
  const out = new Set<string>();
  for (const action of Array.isArray(actions) ? actions : []) {
    if (!isObject(action) || action.type !== 'STATIC_BRANCH' || !isObject(action.inputValue) || action.inputValue.propertyName !== property)
      continue;
    for (const b of Array.isArray(action.staticBranches) ? action.staticBranches : [])
      if (isObject(b) && typeof b.branchValue === 'string') out.add(b.branchValue);
  }
  return out;
}

const touching = (found: Set<string>, affected: ReadonlySet<string>) => [...found].filter((v) => affected.has(v)).sort();

/** The lists and workflows (HubSpot's JSON) that read any affected value of the persona property. */
export function findPersonaUsage(
  input: { lists: readonly unknown[]; flows: readonly unknown[] },
  property: string,
  affected: ReadonlySet<string>,
): { lists: PersonaUsage[]; workflows: PersonaUsage[] } {
  const lists: PersonaUsage[] = [];
  for (const l of input.lists) {
    if (!isObject(l)) continue;
    const values = touching(filterValues(l.filterBranch, property), affected);
    if (values.length)
      lists.push({ kind: 'list', id: String(l.listId), name: String(l.name ?? l.listId), where: 'filter', values, enabled: true });
  }
  const workflows: PersonaUsage[] = [];
  for (const f of input.flows) {
    if (!isObject(f)) continue;
    const base = { kind: 'workflow' as const, id: String(f.id), name: String(f.name ?? f.id), enabled: f.isEnabled !== false };
    // Branches first: a workflow that both enrolls and branches on the persona is reported where contacts move.
    const inBranches = touching(branchValues(f.actions, property), affected);
    const inActionFilters = touching(filterValues(f.actions, property), affected);
    const inEnrollment = touching(filterValues(f.enrollmentCriteria, property), affected);
    if (inBranches.length || inActionFilters.length)
      workflows.push({ ...base, where: 'branch', values: [...new Set([...inBranches, ...inActionFilters])].sort() });
    else if (inEnrollment.length) workflows.push({ ...base, where: 'enrollment', values: inEnrollment });
  }
  return { lists, workflows };
}

export interface PublishImpactDeps {
  readonly automation: (portalId: PortalId) => PortalAutomationReader;
  /** The scopes the portal granted at install. */
  readonly grantedScopes: (portalId: PortalId) => Promise<readonly string[]>;
}

export const LISTS_SCOPE = 'crm.lists.read';
export const FLOWS_SCOPE = 'automation';

/**
 * Which HubSpot lists and workflows a publish would touch. Each half degrades on its own to
 * "could not check" (scope not granted, HubSpot refusing or unreachable): a missing answer never
 * reads as "nothing uses it".
 */
export class PublishImpactService {
  constructor(private readonly deps: PublishImpactDeps) {}

  async usage(portalId: PortalId, property: string, affectedValues: readonly string[]): Promise<PublishImpact> {
    const affected = new Set(affectedValues);
    const scopes = new Set(await this.deps.grantedScopes(portalId));
    const reader = this.deps.automation(portalId);
    const read = async (scope: string, what: string, fetch: () => Promise<unknown[]>): Promise<unknown[] | string> => {
      if (!scopes.has(scope)) return `the app was not granted the ${scope} scope, so HubSpot does not let it read ${what}`;
      try {
        return await fetch();
      } catch (err) {
        return `HubSpot did not answer (${err instanceof Error ? err.message : String(err)})`;
      }
    };
    const [lists, flows] = await Promise.all([
      affected.size ? read(LISTS_SCOPE, 'lists', () => reader.activeListsWithFilters()) : [],
      affected.size ? read(FLOWS_SCOPE, 'workflows', () => reader.flowsWithDefinitions()) : [],
    ]);
    const found = findPersonaUsage(
      { lists: Array.isArray(lists) ? lists : [], flows: Array.isArray(flows) ? flows : [] },
      property,
      affected,
    );
    return {
      lists: typeof lists === 'string' ? { status: 'could-not-check', reason: lists } : { status: 'checked', items: found.lists },
      workflows: typeof flows === 'string' ? { status: 'could-not-check', reason: flows } : { status: 'checked', items: found.workflows },
    };
  }
}

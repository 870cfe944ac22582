import type { PortalId } from '../crm/model';
import type { Logger } from '../platform/logger';
import type { RuleSet } from '../personas/engine';
import {
  mergeEnumerationOptions,
  personaPropertyDefinitions,
  type ContactPropertyDefinition,
  type MergeOptions,
  type PropertyGroupDefinition,
} from '../personas/persona-properties';
import { committeePropertyDefinitions } from '../committee/committee-properties';
import {
  HubSpotCallError,
  type HubSpotGateways,
  type PortalHubSpot,
  type PropertyObjectType,
  type PropertyOptionDefinition,
} from '../crm/hubspot-port';

function sameOptions(a: readonly PropertyOptionDefinition[], b: readonly PropertyOptionDefinition[]): boolean {
  const key = (o: PropertyOptionDefinition) => `${o.value}|${o.label}|${o.hidden}|${o.displayOrder}`;
  return a.length === b.length && a.every((o, i) => key(o) === key(b[i]));
}

interface Wanted {
  def: ContactPropertyDefinition;
  merge: MergeOptions;
}

/**
 * Creates the property group and the persona properties of docs/rule-language.md in a portal (the
 * contact ones, and the buying committee's two on companies), or brings their options in line with
 * the rule set. Idempotent; options of removed personas are hidden, never deleted (HubSpot replaces
 * the whole list, so the merged list is always sent).
 */
export class PersonaPropertySetup {
  constructor(private readonly deps: { gateways: HubSpotGateways; logger: Logger }) {}

  async ensure(portalId: PortalId, ruleSet: RuleSet): Promise<{ created: string[]; updated: string[] }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const defs = personaPropertyDefinitions(ruleSet);
    const created: string[] = [];
    const updated: string[] = [];
    const ensureAll = async (objectType: PropertyObjectType, group: PropertyGroupDefinition, wanted: readonly Wanted[]) => {
      await hubspot.createPropertyGroup(objectType, group);
      for (const { def, merge } of wanted) {
        const outcome = await this.ensureProperty(hubspot, objectType, def, ruleSet, merge);
        if (outcome === 'created') created.push(def.name);
        if (outcome === 'updated') updated.push(def.name);
      }
    };
    await ensureAll('contacts', defs.group, [
      { def: defs.persona, merge: { includeUnassigned: true } },
      { def: defs.secondary, merge: { includeUnassigned: false } },
      { def: defs.score, merge: { includeUnassigned: false } },
    ]);
    const committee = committeePropertyDefinitions(ruleSet, defs.group);
    try {
      await ensureAll(
        'companies',
        committee.group,
        [committee.coverage, committee.gaps].map((def) => ({ def, merge: def.merge })),
      );
    } catch (err) {
      // A portal installed before the buying committee has not granted the company write scopes:
      // its contact properties (and publishing) must keep working; it gets the committee on reinstall.
      if (!(err instanceof HubSpotCallError && err.status === 403)) throw err;
      this.deps.logger.warn({ portalId, err }, 'buying-committee company properties skipped: scope not granted');
    }
    this.deps.logger.info({ portalId, created, updated }, 'persona properties ensured');
    return { created, updated };
  }

  private async ensureProperty(
    hubspot: PortalHubSpot,
    objectType: PropertyObjectType,
    def: ContactPropertyDefinition,
    ruleSet: RuleSet,
    merge: MergeOptions,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const existing = await hubspot.getProperty(objectType, def.name);
    if (!existing) {
      await hubspot.createProperty(objectType, def);
      return 'created';
    }
    if (def.type !== 'enumeration') return 'unchanged';
    const merged = mergeEnumerationOptions(
      existing.options.map((o) => ({ ...o })),
      ruleSet,
      merge,
    );
    const sorted = [...existing.options].sort((a, b) => a.displayOrder - b.displayOrder);
    if (sameOptions(sorted, merged) && existing.label === def.label) return 'unchanged';
    await hubspot.updateProperty(objectType, def.name, { label: def.label, options: merged });
    return 'updated';
  }
}

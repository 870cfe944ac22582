import type { PortalId } from '../crm/model';
import type { Logger } from '../platform/logger';
import type { RuleSet } from '../personas/engine';
import { mergeEnumerationOptions, personaPropertyDefinitions, type ContactPropertyDefinition } from '../personas/persona-properties';
import type { HubSpotGateways, PortalHubSpot, PropertyOptionDefinition } from '../crm/hubspot-port';

function sameOptions(a: readonly PropertyOptionDefinition[], b: readonly PropertyOptionDefinition[]): boolean {
  const key = (o: PropertyOptionDefinition) => `${o.value}|${o.label}|${o.hidden}|${o.displayOrder}`;
  return a.length === b.length && a.every((o, i) => key(o) === key(b[i]));
}

/**
 * Creates the property group and the persona properties of docs/rule-language.md in a portal, or
 * brings their options in line with the rule set. Idempotent; options of removed personas are
 * hidden, never deleted (HubSpot replaces the whole list, so the merged list is always sent).
 */
export class PersonaPropertySetup {
  constructor(private readonly deps: { gateways: HubSpotGateways; logger: Logger }) {}

  async ensure(portalId: PortalId, ruleSet: RuleSet): Promise<{ created: string[]; updated: string[] }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const defs = personaPropertyDefinitions(ruleSet);
    await hubspot.createContactPropertyGroup(defs.group);
    const created: string[] = [];
    const updated: string[] = [];
    for (const [def, includeUnassigned] of [
      [defs.persona, true],
      [defs.secondary, false],
      [defs.score, false],
    ] as const) {
      const outcome = await this.ensureProperty(hubspot, def, ruleSet, includeUnassigned);
      if (outcome === 'created') created.push(def.name);
      if (outcome === 'updated') updated.push(def.name);
    }
    this.deps.logger.info({ portalId, created, updated }, 'persona properties ensured');
    return { created, updated };
  }

  private async ensureProperty(
    hubspot: PortalHubSpot,
    def: ContactPropertyDefinition,
    ruleSet: RuleSet,
    includeUnassigned: boolean,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const existing = await hubspot.getContactProperty(def.name);
    if (!existing) {
      await hubspot.createContactProperty(def);
      return 'created';
    }
    if (def.type !== 'enumeration') return 'unchanged';
    const merged = mergeEnumerationOptions(
      existing.options.map((o) => ({ ...o })),
      ruleSet,
      { includeUnassigned },
    );
    const sorted = [...existing.options].sort((a, b) => a.displayOrder - b.displayOrder);
    if (sameOptions(sorted, merged) && existing.label === def.label) return 'unchanged';
    await hubspot.updateContactProperty(def.name, { label: def.label, options: merged });
    return 'updated';
  }
}

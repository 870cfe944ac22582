import type { Persona, RuleSet } from './engine';
import { personaPropertyNames } from './writeback';

/** An enumeration option as HubSpot's properties API takes it. */
export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyGroupDefinition {
  name: string;
  label: string;
  displayOrder: number;
}

export interface ContactPropertyDefinition {
  name: string;
  label: string;
  type: 'enumeration' | 'number';
  fieldType: 'select' | 'checkbox' | 'number';
  groupName: string;
  description: string;
  formField: boolean;
  options: PropertyOption[];
}

export interface PersonaPropertyDefinitions {
  group: PropertyGroupDefinition;
  persona: ContactPropertyDefinition;
  secondary: ContactPropertyDefinition;
  score: ContactPropertyDefinition;
}

export interface MergeOptions {
  /** Whether the rule set's unassigned option belongs in the list (true for the primary persona property). */
  includeUnassigned?: boolean;
  /** The personas that get an option (all by default); the others' existing options are hidden like a removed persona's. */
  personas?: (persona: Persona) => boolean;
}

function groupLabel(groupName: string): string {
  const words = groupName.split('_').filter((word) => word !== '');
  return words.map((word, i) => (i === 0 ? word[0].toUpperCase() + word.slice(1) : word)).join(' ');
}

/**
 * The property group and the three contact properties the app creates at install, with options
 * for a fresh portal. For a portal that already has them, send `mergeEnumerationOptions(existing, …)`
 * instead of these options (HubSpot replaces the whole option list on update).
 */
export function personaPropertyDefinitions(ruleSet: RuleSet): PersonaPropertyDefinitions {
  const names = personaPropertyNames(ruleSet.property);
  const { label, groupName } = ruleSet.property;
  return {
    group: { name: groupName, label: groupLabel(groupName), displayOrder: -1 },
    persona: {
      name: names.persona,
      label,
      type: 'enumeration',
      fieldType: 'select',
      groupName,
      description: 'Primary persona assigned from the persona rules; changing it by hand makes it a manual override.',
      formField: false,
      options: mergeEnumerationOptions([], ruleSet, { includeUnassigned: true }),
    },
    secondary: {
      name: names.secondary,
      label: `${label} (secondary)`,
      type: 'enumeration',
      fieldType: 'checkbox',
      groupName,
      description: 'Other personas the contact also qualifies for.',
      formField: false,
      options: mergeEnumerationOptions([], ruleSet, { includeUnassigned: false }),
    },
    score: {
      name: names.score,
      label: `${label} score`,
      type: 'number',
      fieldType: 'number',
      groupName,
      description: 'Score of the primary persona (0 when unassigned).',
      formField: false,
      options: [],
    },
  };
}

/**
 * Reconciles an enumeration's options with the rule set: existing options keep their
 * displayOrder and get the current label; options of removed personas are hidden, never deleted
 * (workflow branches and history keep pointing at them); new personas are appended after the
 * highest displayOrder in rule-set order; the unassigned option is always present and visible
 * unless `includeUnassigned` is false. Result is ordered by displayOrder.
 */
export function mergeEnumerationOptions(
  existing: readonly PropertyOption[],
  ruleSet: RuleSet,
  options: MergeOptions = {},
): PropertyOption[] {
  const includeUnassigned = options.includeUnassigned ?? true;
  const wanted = new Map<string, string>();
  for (const persona of ruleSet.personas) if (options.personas?.(persona) ?? true) wanted.set(persona.id, persona.name);
  if (includeUnassigned) wanted.set(ruleSet.unassigned.id, ruleSet.unassigned.label);

  const merged: PropertyOption[] = [];
  const seen = new Set<string>();
  for (const option of existing) {
    if (seen.has(option.value)) continue;
    seen.add(option.value);
    const label = wanted.get(option.value);
    merged.push(label === undefined ? { ...option, hidden: true } : { ...option, label, hidden: false });
  }
  let next = merged.reduce((max, option) => Math.max(max, option.displayOrder), -1) + 1;
  for (const [value, label] of wanted) {
    if (seen.has(value)) continue;
    merged.push({ label, value, displayOrder: next, hidden: false });
    next += 1;
  }
  return merged
    .map((option, position) => ({ option, position }))
    .sort((a, b) => a.option.displayOrder - b.option.displayOrder || a.position - b.position)
    .map(({ option }) => option);
}

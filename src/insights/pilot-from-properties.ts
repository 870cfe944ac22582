import type { PropertyBag } from '../crm/model';
import { parseNumberValue, presentValue } from '../personas/engine';

/** Where a pilot lives on the contact records themselves (say, set by a workflow A/B branch). */
export interface PilotPropertyMapping {
  /** Contact property holding the variant (or message) the contact received; empty = not in the pilot. */
  readonly variantProperty: string;
  /** outcome -> contact property; the outcome happened when the value is a positive number or true/yes. */
  readonly outcomes: Readonly<Record<string, string>>;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y']);

function reached(raw: string | null | undefined): boolean {
  const value = presentValue(raw);
  if (value === null) return false;
  const number = parseNumberValue(value);
  if (Number.isFinite(number)) return number > 0;
  return TRUE_WORDS.has(value.toLowerCase());
}

/** The variant and reached outcomes of one contact, or null when the contact is not in the pilot. */
export function pilotOutcomesFromProperties(
  properties: PropertyBag,
  mapping: PilotPropertyMapping,
): { readonly variant: string; readonly outcomes: ReadonlySet<string> } | null {
  const variant = presentValue(properties[mapping.variantProperty]);
  if (variant === null) return null;
  const outcomes = new Set<string>();
  for (const [outcome, property] of Object.entries(mapping.outcomes)) {
    if (reached(properties[property])) outcomes.add(outcome.toLowerCase());
  }
  return { variant, outcomes };
}

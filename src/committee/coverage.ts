import type { RuleSet } from '../personas/engine';

/**
 * An account's buying committee, per docs/rule-language.md "Companies: the buying committee": which
 * personas a company's contacts hold, which committee personas are missing, and whether the two
 * company properties must be written. Pure: the callers read contacts and last-written values
 * through ports and send the patch through the HubSpot port.
 */

/** The two company properties the app owns, derived from the rule set's `property.name`. */
export interface CommitteePropertyNames {
  readonly coverage: string;
  readonly gaps: string;
}

export function committeePropertyNames(property: { readonly name: string }): CommitteePropertyNames {
  return { coverage: `${property.name}_coverage`, gaps: `${property.name}_gaps` };
}

export interface Coverage {
  /** Non-negative persona ids held by at least one contact, in rule-set order. */
  readonly coverage: string[];
  /** Committee persona ids not in `coverage`, in rule-set order. */
  readonly gaps: string[];
}

/** The two properties exactly as sent to HubSpot: ids joined with `;` ('' is empty). */
export interface CoverageValues {
  readonly coverage: string;
  readonly gaps: string;
}

export const EMPTY_COVERAGE: CoverageValues = { coverage: '', gaps: '' };

type CommitteeRuleSet = Pick<RuleSet, 'personas'>;

/**
 * Coverage from the effective personas (a manual override counts, see "Manual overrides") of a
 * company's associated contacts. Ids that are not a non-negative persona of the rule set (the
 * unassigned id, a negative persona, a hand-set value of a removed persona, null for a contact
 * not scored yet) cover nothing.
 */
export function committeeCoverage(ruleSet: CommitteeRuleSet, effectivePersonaIds: Iterable<string | null>): Coverage {
  const held = new Set<string>();
  for (const id of effectivePersonaIds) if (id !== null) held.add(id);
  const coverage: string[] = [];
  const gaps: string[] = [];
  for (const persona of ruleSet.personas) {
    const covered = persona.kind !== 'negative' && held.has(persona.id);
    if (covered) coverage.push(persona.id);
    else if (persona.committee === true) gaps.push(persona.id);
  }
  return { coverage, gaps };
}

export function coverageValues(coverage: Coverage): CoverageValues {
  return { coverage: coverage.coverage.join(';'), gaps: coverage.gaps.join(';') };
}

/** Reads a written value back into ids (HubSpot separates checkbox values with `;`). */
export function parseCoverageValue(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/**
 * What to write for one company, or null for nothing:
 * - a company with associated contacts is written its values when nothing was written for it yet
 *   or when either value differs from what was last written;
 * - a company without contacts (all of them left, were deleted or merged away) is written empty
 *   values once, when something non-empty was last written; never-written companies stay untouched.
 */
export function diffCoverage(input: {
  ruleSet: CommitteeRuleSet;
  /** Effective persona ids of the company's associated contacts; empty when it has none. */
  contactPersonaIds: readonly (string | null)[];
  lastWritten: CoverageValues | null;
}): CoverageValues | null {
  const { lastWritten } = input;
  if (input.contactPersonaIds.length === 0) {
    if (lastWritten === null || (lastWritten.coverage === '' && lastWritten.gaps === '')) return null;
    return EMPTY_COVERAGE;
  }
  const desired = coverageValues(committeeCoverage(input.ruleSet, input.contactPersonaIds));
  if (lastWritten !== null && lastWritten.coverage === desired.coverage && lastWritten.gaps === desired.gaps) return null;
  return desired;
}

/**
 * The HubSpot properties that carry the values: both for a company never written, otherwise only
 * the ones that differ from what was last written (an unchanged property is not sent again).
 */
export function coveragePatch(
  names: CommitteePropertyNames,
  values: CoverageValues,
  lastWritten: CoverageValues | null,
): Record<string, string> {
  const patch: Record<string, string> = {};
  if (lastWritten === null || lastWritten.coverage !== values.coverage) patch[names.coverage] = values.coverage;
  if (lastWritten === null || lastWritten.gaps !== values.gaps) patch[names.gaps] = values.gaps;
  return patch;
}

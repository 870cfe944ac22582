import type { Assignment } from './engine';

/** The three contact properties the app owns, derived from the rule set's `property.name`. */
export interface PersonaPropertyNames {
  persona: string;
  secondary: string;
  score: string;
}

export function personaPropertyNames(property: { readonly name: string }): PersonaPropertyNames {
  return { persona: property.name, secondary: `${property.name}_secondary`, score: `${property.name}_score` };
}

/**
 * The persona properties exactly as the app sends them to HubSpot: the persona id, the secondary
 * ids joined with `;` and the formatted score. The store records them once HubSpot accepted them.
 */
export interface WrittenValues {
  readonly persona: string;
  readonly secondary: string;
  readonly score: string;
}

/**
 * A persona value set by hand (a rep in HubSpot, an import, another integration, or an admin in our
 * admin page): the effective persona until it is cleared. `by` is who set it, where known; `at`
 * when, in epoch milliseconds.
 */
export interface ManualOverride {
  readonly persona: string;
  readonly by: string | null;
  readonly at: number;
}

/**
 * The contact's persona properties as HubSpot currently holds them (strings as HubSpot sends them;
 * null or '' is empty). Leave a field undefined when it is not known.
 */
export interface CurrentPersonaValues {
  persona: string | null;
  secondary?: string | null;
  score?: string | null;
  /** True when HubSpot's change source for the current persona value is this app (property history / webhook sourceId). */
  writtenByApp?: boolean;
  /** Who and when (epoch ms) set the current persona value, where HubSpot says. */
  changedBy?: string | null;
  changedAt?: number | null;
}

export interface WritebackInput {
  assignment: Assignment;
  property: { readonly name: string };
  lastWritten: WrittenValues | null;
  /** Undefined or null when HubSpot's current values are not known (then only `override` can hold one). */
  current?: CurrentPersonaValues | null;
  /** The override in force, as stored. */
  override?: ManualOverride | null;
  /** When the current values were last seen changing: the time of a new override HubSpot gives no time for. */
  observedAt: number;
}

/**
 * `patch`: the properties to write (only those that changed), or null for no write.
 * `override`: the manual override in force (store it), or null when none is (drop any stored one).
 */
export interface WritebackDecision {
  patch: Record<string, string> | null;
  override: ManualOverride | null;
}

/** The values to write for an assignment; `persona` replaces the computed persona (an admin's override). */
export function writtenValuesOf(
  assignment: { readonly personaId: string; readonly secondary: readonly string[]; readonly score: number },
  persona = assignment.personaId,
): WrittenValues {
  return { persona, secondary: assignment.secondary.join(';'), score: formatScore(assignment.score) };
}

/** The HubSpot properties that carry written values. */
export function personaPatch(names: PersonaPropertyNames, values: WrittenValues): Record<string, string> {
  return { [names.persona]: values.persona, [names.secondary]: values.secondary, [names.score]: values.score };
}

/** The persona score as written to the number property (no float noise such as 0.30000000000000004). */
export function formatScore(score: number): string {
  return String(Number.isInteger(score) ? score : Math.round(score * 1e6) / 1e6);
}

function text(value: string | null | undefined): string {
  return value === null || value === undefined ? '' : value.trim();
}

function valueSet(values: readonly string[] | string): string {
  const list = typeof values === 'string' ? values.split(';') : values;
  return [...new Set(list.map((value) => value.trim()).filter((value) => value !== ''))].sort().join(';');
}

function sameScore(a: string | number, b: number): boolean {
  const parsed = typeof a === 'number' ? a : Number(text(a));
  return text(String(a)) !== '' && Number.isFinite(parsed) && formatScore(parsed) === formatScore(b);
}

/**
 * Decides what to write for one contact after an assignment, per docs/rule-language.md
 * "Manual overrides" and "What is written to HubSpot":
 * - an override in force holds until the persona property is emptied in HubSpot (then the app
 *   writes again) or the caller drops it (an admin cleared it); a different non-empty value
 *   replaces it as the new override;
 * - a non-empty current persona value that the app did not write (HubSpot's change source says so,
 *   or it differs from `lastWritten`) is a new override, unless nothing was ever recorded as written
 *   and the value equals the computed persona (the app's own unrecorded write cannot be told apart,
 *   and agreeing with the rules is harmless);
 * - otherwise each property is written when its desired value differs from what was last written
 *   or from what HubSpot currently holds (when known).
 */
export function diffWriteback(input: WritebackInput): WritebackDecision {
  const { assignment, lastWritten } = input;
  const inForce = input.override ?? null;
  const current = input.current ?? null;
  const names = personaPropertyNames(input.property);
  const currentPersona = current === null ? null : text(current.persona);
  const setByHand = (persona: string): ManualOverride => ({
    persona,
    by: current?.changedBy ?? null,
    at: current?.changedAt ?? input.observedAt,
  });

  if (inForce !== null && currentPersona !== '') {
    if (currentPersona !== null && currentPersona !== inForce.persona) return { patch: null, override: setByHand(currentPersona) };
    return { patch: null, override: inForce.by === null && current?.changedBy ? { ...inForce, by: current.changedBy } : inForce };
  }

  const isOverride =
    current !== null &&
    currentPersona !== null &&
    currentPersona !== '' &&
    inForce === null &&
    current.writtenByApp !== true &&
    currentPersona !== lastWritten?.persona &&
    !(lastWritten === null && currentPersona === assignment.personaId);
  if (isOverride) return { patch: null, override: setByHand(currentPersona) };

  const patch: Record<string, string> = {};
  const desired = writtenValuesOf(assignment);
  if (lastWritten === null || lastWritten.persona !== desired.persona || (currentPersona !== null && currentPersona !== desired.persona)) {
    patch[names.persona] = desired.persona;
  }
  if (
    lastWritten === null ||
    valueSet(lastWritten.secondary) !== valueSet(assignment.secondary) ||
    (current?.secondary !== undefined && valueSet(text(current.secondary)) !== valueSet(assignment.secondary))
  ) {
    patch[names.secondary] = desired.secondary;
  }
  if (
    lastWritten === null ||
    !sameScore(lastWritten.score, assignment.score) ||
    (current?.score !== undefined && !sameScore(text(current.score), assignment.score))
  ) {
    patch[names.score] = desired.score;
  }
  return { patch: Object.keys(patch).length === 0 ? null : patch, override: null };
}

/** What "the persona" of a contact means everywhere: the manual value when there is one, else the computed one. */
export interface EffectivePersona {
  personaId: string;
  source: 'manual' | 'computed';
  computedPersonaId: string;
}

export function effectivePersona(
  assignment: Pick<Assignment, 'personaId'>,
  override: Pick<ManualOverride, 'persona'> | null,
): EffectivePersona {
  if (override !== null && override.persona.trim() !== '') {
    return { personaId: override.persona, source: 'manual', computedPersonaId: assignment.personaId };
  }
  return { personaId: assignment.personaId, source: 'computed', computedPersonaId: assignment.personaId };
}

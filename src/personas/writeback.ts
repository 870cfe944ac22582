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

/** What the app last wrote for a contact (kept by the caller after each successful write). */
export interface WrittenValues {
  persona: string;
  secondary: readonly string[];
  score: number;
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
  /** Who and when set the current persona value, where HubSpot says. */
  changedBy?: string | null;
  changedAt?: string | null;
}

/** A persona value set in HubSpot by someone or something other than the app. */
export interface ManualOverride {
  /** The manual value: the effective persona. */
  personaId: string;
  /** What the rules say, shown beside it. */
  computedPersonaId: string;
  setBy: string | null;
  setAt: string | null;
}

/**
 * The caller's stored override record. `active`: the override holds and the app does not write.
 * `cleared`: an admin dismissed the override whose value was `personaId`; that value in HubSpot is no
 * longer an override, so the app overwrites it (after that write the caller drops the record).
 */
export interface StoredOverride {
  state: 'active' | 'cleared';
  personaId: string;
  setBy?: string | null;
  setAt?: string | null;
}

export interface WritebackInput {
  assignment: Assignment;
  property: { readonly name: string };
  lastWritten: WrittenValues | null;
  /** Undefined or null when HubSpot's current values are not known (then only `storedOverride` can hold one). */
  current?: CurrentPersonaValues | null;
  storedOverride?: StoredOverride | null;
}

/**
 * `patch`: the properties to write (only those that changed), or null for no write.
 * `override`: the manual override in force (store it as `active`), or null when none is (drop any
 * stored record; a `cleared` one once the patch is written).
 */
export interface WritebackDecision {
  patch: Record<string, string> | null;
  override: ManualOverride | null;
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
 * - an `active` stored override holds until the persona property is emptied in HubSpot (then the
 *   app writes again) or the caller drops/clears the record (an admin cleared it);
 * - a non-empty current persona value that the app did not write (HubSpot's change source says so,
 *   or it differs from `lastWritten`) is a new override, unless it is the value an admin cleared,
 *   or nothing was ever recorded as written and the value equals the computed persona (the app's own
 *   unrecorded write cannot be told apart, and agreeing with the rules is harmless);
 * - otherwise each property is written when its desired value differs from what was last written
 *   or from what HubSpot currently holds (when known).
 */
export function diffWriteback(input: WritebackInput): WritebackDecision {
  const { assignment, lastWritten, storedOverride } = input;
  const current = input.current ?? null;
  const names = personaPropertyNames(input.property);
  const currentPersona = current === null ? null : text(current.persona);

  if (storedOverride?.state === 'active' && currentPersona !== '') {
    const changed = currentPersona !== null && currentPersona !== storedOverride.personaId;
    return {
      patch: null,
      override: {
        personaId: currentPersona ?? storedOverride.personaId,
        computedPersonaId: assignment.personaId,
        setBy: changed ? (current?.changedBy ?? null) : (storedOverride.setBy ?? current?.changedBy ?? null),
        setAt: changed ? (current?.changedAt ?? null) : (storedOverride.setAt ?? current?.changedAt ?? null),
      },
    };
  }

  const isOverride =
    current !== null &&
    currentPersona !== null &&
    currentPersona !== '' &&
    storedOverride?.state !== 'active' &&
    current.writtenByApp !== true &&
    currentPersona !== lastWritten?.persona &&
    !(storedOverride?.state === 'cleared' && currentPersona === storedOverride.personaId) &&
    !(lastWritten === null && currentPersona === assignment.personaId);
  if (isOverride) {
    return {
      patch: null,
      override: {
        personaId: currentPersona,
        computedPersonaId: assignment.personaId,
        setBy: current.changedBy ?? null,
        setAt: current.changedAt ?? null,
      },
    };
  }

  const patch: Record<string, string> = {};
  const desiredSecondary = assignment.secondary.join(';');
  if (lastWritten === null || lastWritten.persona !== assignment.personaId || (currentPersona !== null && currentPersona !== assignment.personaId)) {
    patch[names.persona] = assignment.personaId;
  }
  if (
    lastWritten === null ||
    valueSet(lastWritten.secondary) !== valueSet(assignment.secondary) ||
    (current?.secondary !== undefined && valueSet(text(current.secondary)) !== valueSet(assignment.secondary))
  ) {
    patch[names.secondary] = desiredSecondary;
  }
  if (
    lastWritten === null ||
    !sameScore(lastWritten.score, assignment.score) ||
    (current?.score !== undefined && !sameScore(text(current.score), assignment.score))
  ) {
    patch[names.score] = formatScore(assignment.score);
  }
  return { patch: Object.keys(patch).length === 0 ? null : patch, override: null };
}

/** What "the persona" of a contact means everywhere: the manual value when there is one, else the computed one. */
export interface EffectivePersona {
  personaId: string;
  source: 'manual' | 'computed';
  computedPersonaId: string;
}

export function effectivePersona(assignment: Pick<Assignment, 'personaId'>, override: Pick<ManualOverride, 'personaId'> | null): EffectivePersona {
  if (override !== null && override.personaId.trim() !== '') {
    return { personaId: override.personaId, source: 'manual', computedPersonaId: assignment.personaId };
  }
  return { personaId: assignment.personaId, source: 'computed', computedPersonaId: assignment.personaId };
}

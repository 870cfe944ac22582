import type { Assignment } from './engine';

/** Why a contact's assignment deserves a person's look. */
export type ReviewReason = 'close-call' | 'near-threshold' | 'changed';

export interface ReviewFlag {
  readonly reason: ReviewReason;
  /** Points between the contact and the other outcome: smaller is closer, and is reviewed first. */
  readonly margin: number;
}

export const DEFAULT_REVIEW_MARGIN = 5;
/** How close to a threshold a newly unassigned contact must score to be worth a look. */
export const NEAR_THRESHOLD_POINTS = 5;

/**
 * Whether a fresh assignment is a close call:
 * - its persona beats a qualifying runner-up by less than `reviewMargin` points;
 * - or it has just become unassigned while the best persona is within 5 points of its threshold;
 * - or its persona changed at this computation.
 * `previousPersonaId` is the persona computed before (undefined for a contact seen the first time).
 */
export function reviewFlag(
  assignment: Assignment,
  previousPersonaId: string | undefined,
  unassignedId: string,
  reviewMargin = DEFAULT_REVIEW_MARGIN,
): ReviewFlag | null {
  const runnerUp = assignment.explanation.runnerUp;
  const changed = previousPersonaId !== undefined && previousPersonaId !== assignment.personaId;
  if (assignment.assigned && runnerUp?.qualifies) {
    const margin = assignment.score - runnerUp.score;
    if (margin < reviewMargin) return { reason: 'close-call', margin: Math.max(0, margin) };
  }
  if (!assignment.assigned && changed && previousPersonaId !== unassignedId && runnerUp) {
    const short = runnerUp.threshold - runnerUp.score;
    if (short > 0 && short <= NEAR_THRESHOLD_POINTS) return { reason: 'near-threshold', margin: short };
  }
  if (changed) return { reason: 'changed', margin: runnerUp ? Math.abs(assignment.score - runnerUp.score) : assignment.score };
  return null;
}

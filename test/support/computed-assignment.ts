import type { Assignment } from '../../src/personas/engine';
import type { ComputedAssignment } from '../../src/personas/assignment-store';

/** An engine result as the store keeps it, already written to HubSpot: how tests and benches seed assignments without a sync. */
export function computedAssignment(contactId: string, a: Assignment, ruleSetVersion: number): ComputedAssignment {
  return {
    contactId,
    personaId: a.personaId,
    score: a.score,
    secondary: a.secondary,
    journeyStage: a.journeyStage,
    explanation: a.explanation,
    ruleSetVersion,
    needsWrite: false,
  };
}

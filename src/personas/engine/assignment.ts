import type { JourneyStage, PersonaKind } from './rule-set-schema';

/** A rule of the primary persona that fired. */
export interface FiredRule {
  label: string;
  points: number;
  /**
   * Only from explainAll, and only for rules with `company` or `surveys` conditions: what the
   * contact's primary company and survey responses showed, one sentence per such condition.
   */
  facts?: string[];
}

/** The best-scoring persona other than the primary one (qualifying or not), so a reader sees the margin. */
export interface RunnerUp {
  personaId: string;
  score: number;
  threshold: number;
  qualifies: boolean;
}

export interface AssignmentExplanation {
  /** Rules of the primary persona that fired, in rule order; empty when unassigned. */
  firedRules: FiredRule[];
  score: number;
  threshold: number | null;
  runnerUp: RunnerUp | null;
}

/**
 * The engine's answer for one contact: a plain JSON-serialisable object (stored, sent to the card,
 * compared in tests). When no persona qualifies, `personaId` is the rule set's unassigned id,
 * `assigned` false, `kind` and `threshold` null and `score` 0; `explanation.runnerUp` is then the
 * best-scoring persona overall.
 */
export interface Assignment {
  personaId: string;
  assigned: boolean;
  kind: PersonaKind | null;
  score: number;
  threshold: number | null;
  /** Other qualifying non-negative personas, ordered like the primary choice. */
  secondary: string[];
  journeyStage: JourneyStage;
  explanation: AssignmentExplanation;
}

export interface RuleEvaluation {
  label: string;
  points: number;
  fired: boolean;
  /** See FiredRule.facts. */
  facts?: string[];
}

export interface PersonaEvaluation {
  personaId: string;
  name: string;
  kind: PersonaKind;
  priority: number;
  threshold: number;
  score: number;
  qualifies: boolean;
  /** Points still needed to reach the threshold; 0 when the persona qualifies. */
  pointsMissing: number;
  /** Every rule with its result, in rule order. */
  rules: RuleEvaluation[];
  /** The rules that did not fire, with their points, in rule order. */
  notFired: FiredRule[];
}

/** For an unassigned contact: the non-negative persona closest to qualifying and what would get it there. */
export interface NearestPersona {
  personaId: string;
  pointsMissing: number;
  /** Positive-point rules that did not fire, most points first (then rule order). */
  suggestions: FiredRule[];
}

/** Everything behind an assignment, for the admin "explain this contact" view. */
export interface DetailedEvaluation {
  assignment: Assignment;
  /** Every persona in rule-set order. */
  personas: PersonaEvaluation[];
  /** Set only when the contact is unassigned and a non-negative persona exists. */
  nearest: NearestPersona | null;
}

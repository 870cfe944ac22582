import type { BuildCardViewInput } from '../../../src/card-api/build-card-view';
import type { Assignment, DetailedEvaluation, Persona, PersonaEvaluation, RuleSet } from '../../../src/personas/engine';
import { aPersona, aProfile } from '../../support/rule-set-builders';

export const NOW = Date.parse('2026-11-28T12:00:00Z');

export const explorer: Persona = aPersona({
  id: 'explorer',
  name: 'Eager Explorer',
  kind: 'customer',
  threshold: 40,
  profile: aProfile({
    bio: 'Reads everything before buying.',
    photoUrl: '/static/personas/explorer.svg',
    goals: ['Understand the product deeply'],
    challenges: ['Too little time'],
    channels: ['Email', 'Webinars'],
    objections: ['Is it mature enough?'],
    talkingPoints: ['Show the roadmap', 'Offer the sandbox'],
    content: { awareness: ['Intro guide'], consideration: ['Comparison sheet'], decision: ['Pricing FAQ'], advocacy: [] },
  }),
});

export const champion: Persona = aPersona({
  id: 'champion',
  name: 'Budget Champion',
  kind: 'buyer',
  threshold: 50,
  priority: 5,
  profile: aProfile({
    talkingPoints: ['Talk ROI'],
    content: { awareness: [], consideration: ['ROI calculator'], decision: [], advocacy: [] },
  }),
});

export const tireKicker: Persona = aPersona({ id: 'tire_kicker', name: 'Tire Kicker', kind: 'negative', threshold: 30 });

export const ruleSet: Pick<RuleSet, 'unassigned' | 'personas'> = {
  unassigned: { id: 'unassigned', label: 'No persona yet' },
  personas: [explorer, champion, tireKicker],
};

export function anAssignment(overrides: Partial<Assignment> = {}): Assignment {
  return {
    personaId: 'explorer',
    assigned: true,
    kind: 'customer',
    score: 45,
    threshold: 40,
    secondary: [],
    journeyStage: 'consideration',
    explanation: {
      firedRules: [
        { label: 'Reads a lot', points: 20 },
        { label: 'Analyst title', points: 25 },
      ],
      score: 45,
      threshold: 40,
      runnerUp: { personaId: 'champion', score: 30, threshold: 50, qualifies: false },
    },
    ...overrides,
  };
}

export const unassignedAssignment: Assignment = {
  personaId: 'unassigned',
  assigned: false,
  kind: null,
  score: 0,
  threshold: null,
  secondary: [],
  journeyStage: 'awareness',
  explanation: {
    firedRules: [],
    score: 0,
    threshold: null,
    runnerUp: { personaId: 'explorer', score: 20, threshold: 40, qualifies: false },
  },
};

/** One persona's evaluation as the engine's explainAll reports it. */
export function anEvaluation(
  persona: Persona,
  fired: Record<string, boolean>,
  rules: { label: string; points: number }[],
): PersonaEvaluation {
  const evaluated = rules.map((r) => ({ ...r, fired: fired[r.label] === true }));
  const score = evaluated.filter((r) => r.fired).reduce((sum, r) => sum + r.points, 0);
  return {
    personaId: persona.id,
    name: persona.name,
    kind: persona.kind,
    priority: persona.priority,
    threshold: persona.threshold,
    score,
    qualifies: score >= persona.threshold,
    pointsMissing: Math.max(0, persona.threshold - score),
    rules: evaluated,
    notFired: evaluated.filter((r) => !r.fired).map(({ label, points }) => ({ label, points })),
  };
}

export function anExplanation(
  personas: PersonaEvaluation[],
  nearest: DetailedEvaluation['nearest'] = null,
): Pick<DetailedEvaluation, 'personas' | 'nearest'> {
  return { personas, nearest };
}

export function anInput(overrides: Partial<BuildCardViewInput> = {}): BuildCardViewInput {
  return {
    portalId: 101,
    contactId: '501',
    ruleSet,
    assignment: anAssignment(),
    override: null,
    contact: { properties: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', lifecyclestage: 'salesqualifiedlead' } },
    tickets: [],
    evaluation: null,
    now: NOW,
    ...overrides,
  };
}

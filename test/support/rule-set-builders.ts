import type { ContactWithTickets, PropertyBag } from '../../src/crm/model';
import {
  defaultJourney,
  type Condition,
  type Persona,
  type PersonaProfile,
  type Rule,
  type RuleSet,
} from '../../src/personas/engine/rule-set-schema';

export const aProfile = (overrides: Partial<PersonaProfile> = {}): PersonaProfile => ({
  bio: 'A persona used in tests.',
  photoUrl: '/static/personas/test.svg',
  goals: ['goal'],
  challenges: ['challenge'],
  channels: ['email'],
  objections: ['price'],
  talkingPoints: ['value'],
  content: { awareness: ['a'], consideration: ['c'], decision: ['d'], advocacy: ['v'] },
  ...overrides,
});

export const aRule = (when: Condition, points = 10, label = 'rule'): Rule => ({ label, points, when });

export const aPersona = (overrides: Partial<Persona> & Pick<Persona, 'id'>): Persona => ({
  name: overrides.id,
  kind: 'customer',
  priority: 0,
  threshold: 10,
  profile: aProfile(),
  rules: [],
  ...overrides,
});

export const aRuleSet = (personas: Persona[], overrides: Partial<RuleSet> = {}): RuleSet => ({
  version: 1,
  property: { name: 'persona', label: 'Persona', groupName: 'personas' },
  unassigned: { id: 'unassigned', label: 'No persona yet' },
  journey: { ...defaultJourney },
  personas,
  ...overrides,
});

/** A rule set whose single persona qualifies exactly when `when` is true. */
export const aSingleConditionRuleSet = (when: Condition): RuleSet =>
  aRuleSet([aPersona({ id: 'probe', threshold: 1, rules: [aRule(when, 1, 'probe')] })]);

export const aContact = (properties: PropertyBag = {}, tickets: PropertyBag[] = []): ContactWithTickets => ({
  properties,
  tickets: tickets.map((ticket) => ({ properties: ticket })),
});

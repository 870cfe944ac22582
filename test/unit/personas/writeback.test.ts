import type { Assignment } from '../../../src/personas/engine/assignment';
import { diffWriteback, effectivePersona, formatScore, personaPropertyNames, type WritebackInput } from '../../../src/personas/writeback';

const assignment = (overrides: Partial<Assignment> = {}): Assignment => ({
  personaId: 'analyst',
  assigned: true,
  kind: 'customer',
  score: 45,
  threshold: 40,
  secondary: ['developer', 'marketing_ops'],
  journeyStage: 'consideration',
  explanation: { firedRules: [{ label: 'Analyst', points: 45 }], score: 45, threshold: 40, runnerUp: null },
  ...overrides,
});

const OBSERVED = Date.parse('2026-05-30T00:00:00Z');
const JUNE_1 = Date.parse('2026-06-01T10:00:00Z');
const JUNE_5 = Date.parse('2026-06-05T00:00:00Z');

const input = (overrides: Partial<WritebackInput> = {}): WritebackInput => ({
  assignment: assignment(),
  property: { name: 'persona' },
  lastWritten: { persona: 'analyst', secondary: 'developer;marketing_ops', score: '45' },
  observedAt: OBSERVED,
  ...overrides,
});

describe('personaPropertyNames', () => {
  it('derives the secondary and score properties from the rule set name', () => {
    expect(personaPropertyNames({ name: 'buyer_persona' })).toEqual({
      persona: 'buyer_persona',
      secondary: 'buyer_persona_secondary',
      score: 'buyer_persona_score',
    });
  });
});

describe('diffWriteback', () => {
  it('writes all three properties for a contact never written before', () => {
    expect(diffWriteback(input({ lastWritten: null }))).toEqual({
      patch: { persona: 'analyst', persona_secondary: 'developer;marketing_ops', persona_score: '45' },
      override: null,
    });
  });

  it('writes nothing when every value matches what was last written', () => {
    expect(diffWriteback(input())).toEqual({ patch: null, override: null });
  });

  it('writes only the values that changed', () => {
    const decision = diffWriteback(input({ assignment: assignment({ score: 50 }) }));

    expect(decision.patch).toEqual({ persona_score: '50' });
  });

  it('treats the secondary personas as a set, so a different order is no change', () => {
    const decision = diffWriteback(input({ lastWritten: { persona: 'analyst', secondary: 'marketing_ops;developer', score: '45' } }));

    expect(decision.patch).toBeNull();
  });

  it('clears the secondary property with an empty string when no secondary persona remains', () => {
    expect(diffWriteback(input({ assignment: assignment({ secondary: [] }) })).patch).toEqual({ persona_secondary: '' });
  });

  it('writes the unassigned id and a zero score for an unassigned contact', () => {
    const unassigned = assignment({ personaId: 'unassigned', assigned: false, kind: null, score: 0, threshold: null, secondary: [] });

    expect(diffWriteback(input({ assignment: unassigned })).patch).toEqual({
      persona: 'unassigned',
      persona_secondary: '',
      persona_score: '0',
    });
  });

  it('treats the value the app last wrote, still in HubSpot, as its own', () => {
    expect(diffWriteback(input({ current: { persona: 'analyst', secondary: 'developer;marketing_ops', score: '45' } }))).toEqual({
      patch: null,
      override: null,
    });
  });

  it('detects a value set by someone else as a manual override and writes nothing', () => {
    const decision = diffWriteback(input({ current: { persona: 'ops_leader', changedBy: 'rep@example.com', changedAt: JUNE_1 } }));

    expect(decision).toEqual({
      patch: null,
      override: { persona: 'ops_leader', by: 'rep@example.com', at: JUNE_1 },
    });
  });

  it('reports the override even when the computed persona also changed', () => {
    const decision = diffWriteback(input({ assignment: assignment({ personaId: 'developer' }), current: { persona: 'ops_leader' } }));

    expect(decision.patch).toBeNull();
    expect(decision.override).toEqual({ persona: 'ops_leader', by: null, at: OBSERVED });
  });

  it('does not mistake a value HubSpot attributes to the app for an override', () => {
    const decision = diffWriteback(
      input({ assignment: assignment({ personaId: 'developer' }), current: { persona: 'ops_leader', writtenByApp: true } }),
    );

    expect(decision).toEqual({ patch: { persona: 'developer' }, override: null });
  });

  it('does not treat an unrecorded first write that agrees with the rules as an override', () => {
    expect(diffWriteback(input({ lastWritten: null, current: { persona: 'analyst' } })).override).toBeNull();
  });

  it('treats any other value found before the first recorded write as an override', () => {
    expect(diffWriteback(input({ lastWritten: null, current: { persona: 'ops_leader' } })).override?.persona).toBe('ops_leader');
  });

  it('keeps a stored override while HubSpot still holds a value, and never writes', () => {
    const decision = diffWriteback(
      input({
        assignment: assignment({ score: 99 }),
        override: { persona: 'ops_leader', by: 'rep@example.com', at: JUNE_1 },
        current: { persona: 'ops_leader' },
      }),
    );

    expect(decision).toEqual({
      patch: null,
      override: { persona: 'ops_leader', by: 'rep@example.com', at: JUNE_1 },
    });
  });

  it('keeps a stored override when the current HubSpot value is unknown', () => {
    const decision = diffWriteback(input({ override: { persona: 'ops_leader', by: null, at: JUNE_1 } }));

    expect(decision.patch).toBeNull();
    expect(decision.override).toEqual({ persona: 'ops_leader', by: null, at: JUNE_1 });
  });

  it('follows a stored override to the new value when someone changes it again', () => {
    const decision = diffWriteback(
      input({
        override: { persona: 'ops_leader', by: 'a@example.com', at: JUNE_1 },
        current: { persona: 'developer', changedBy: 'b@example.com', changedAt: JUNE_5 },
      }),
    );

    expect(decision.override).toEqual({ persona: 'developer', by: 'b@example.com', at: JUNE_5 });
  });

  it('ends the override when the property is emptied in HubSpot and writes the computed value', () => {
    const decision = diffWriteback(input({ override: { persona: 'ops_leader', by: null, at: JUNE_1 }, current: { persona: '  ' } }));

    expect(decision).toEqual({ patch: { persona: 'analyst' }, override: null });
  });

  it('rewrites values that were changed or emptied in HubSpot without being an override', () => {
    const decision = diffWriteback(input({ current: { persona: 'analyst', secondary: '', score: '12' } }));

    expect(decision.patch).toEqual({ persona_secondary: 'developer;marketing_ops', persona_score: '45' });
  });

  it('accepts HubSpot number formatting for the score', () => {
    expect(diffWriteback(input({ current: { persona: 'analyst', score: '45.0' } })).patch).toBeNull();
  });
});

describe('formatScore', () => {
  it('writes integers as they are and removes floating-point noise', () => {
    expect(formatScore(45)).toBe('45');
    expect(formatScore(-5)).toBe('-5');
    expect(formatScore(0.1 + 0.2)).toBe('0.3');
  });
});

describe('effectivePersona', () => {
  it('is the manual value when there is an override', () => {
    expect(effectivePersona(assignment(), { persona: 'ops_leader' })).toEqual({
      personaId: 'ops_leader',
      source: 'manual',
      computedPersonaId: 'analyst',
    });
  });

  it('is the computed value without an override', () => {
    expect(effectivePersona(assignment(), null)).toEqual({ personaId: 'analyst', source: 'computed', computedPersonaId: 'analyst' });
  });
});

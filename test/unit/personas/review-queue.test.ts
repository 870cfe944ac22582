import type { Assignment } from '../../../src/personas/engine';
import { reviewFlag } from '../../../src/personas/review-queue';

const assigned = (score: number, runnerUp: Assignment['explanation']['runnerUp']): Assignment => ({
  personaId: 'analyst',
  assigned: true,
  kind: 'customer',
  score,
  threshold: 50,
  secondary: [],
  journeyStage: 'awareness',
  explanation: { firedRules: [], score, threshold: 50, runnerUp },
});
const unassigned = (runnerUp: Assignment['explanation']['runnerUp']): Assignment => ({
  personaId: 'unassigned',
  assigned: false,
  kind: null,
  score: 0,
  threshold: null,
  secondary: [],
  journeyStage: 'awareness',
  explanation: { firedRules: [], score: 0, threshold: null, runnerUp },
});

describe('which assignments are close calls', () => {
  it('flags a persona that beats a qualifying runner-up by less than the margin, and only then', () => {
    expect(reviewFlag(assigned(62, { personaId: 'ops', score: 58, threshold: 50, qualifies: true }), 'analyst', 'unassigned')).toEqual({
      reason: 'close-call',
      margin: 4,
    });
    expect(reviewFlag(assigned(63, { personaId: 'ops', score: 58, threshold: 50, qualifies: true }), 'analyst', 'unassigned')).toBeNull();
    // A runner-up below its threshold could not have been chosen: not a close call.
    expect(reviewFlag(assigned(62, { personaId: 'ops', score: 60, threshold: 70, qualifies: false }), 'analyst', 'unassigned')).toBeNull();
    // A tie decided by priority has margin 0.
    expect(reviewFlag(assigned(60, { personaId: 'ops', score: 60, threshold: 50, qualifies: true }), 'analyst', 'unassigned')).toEqual({
      reason: 'close-call',
      margin: 0,
    });
  });

  it('takes the rule set reviewMargin when it gives one', () => {
    const a = assigned(70, { personaId: 'ops', score: 60, threshold: 50, qualifies: true });
    expect(reviewFlag(a, 'analyst', 'unassigned', 12)).toEqual({ reason: 'close-call', margin: 10 });
    expect(reviewFlag(a, 'analyst', 'unassigned', 0)).toBeNull();
  });

  it('flags a contact newly unassigned within 5 points of a threshold, not one that was unassigned already', () => {
    expect(reviewFlag(unassigned({ personaId: 'ops', score: 46, threshold: 50, qualifies: false }), 'ops', 'unassigned')).toEqual({
      reason: 'near-threshold',
      margin: 4,
    });
    expect(reviewFlag(unassigned({ personaId: 'ops', score: 46, threshold: 50, qualifies: false }), 'unassigned', 'unassigned')).toBeNull();
    // Further away it is still a change of persona, reviewed as such.
    expect(reviewFlag(unassigned({ personaId: 'ops', score: 30, threshold: 50, qualifies: false }), 'ops', 'unassigned')).toEqual({
      reason: 'changed',
      margin: 30,
    });
  });

  it('flags a change of persona at this computation, but not a contact seen the first time', () => {
    const a = assigned(80, { personaId: 'ops', score: 20, threshold: 50, qualifies: false });
    expect(reviewFlag(a, 'ops', 'unassigned')).toEqual({ reason: 'changed', margin: 60 });
    expect(reviewFlag(a, undefined, 'unassigned')).toBeNull();
    expect(reviewFlag(a, 'analyst', 'unassigned')).toBeNull();
  });
});

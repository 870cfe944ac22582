import { buildCardView, RECENT_TICKETS_SHOWN } from '../../../src/card-api/build-card-view';
import { compileRuleSet } from '../../../src/personas/engine';
import { aContact, aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';
import { anAssignment, anEvaluation, anExplanation, anInput, champion, explorer, NOW, unassignedAssignment } from './card-fixtures';

describe('buildCardView', () => {
  it('shows the computed persona with its profile, score against threshold and the content for the journey stage', () => {
    const view = buildCardView(anInput());

    expect(view.state).toBe('assigned');
    expect(view.persona).toMatchObject({
      id: 'explorer',
      name: 'Eager Explorer',
      kind: 'customer',
      talkingPoints: ['Show the roadmap', 'Offer the sandbox'],
    });
    expect(view.score).toEqual({ score: 45, threshold: 40, qualifies: true });
    expect(view.journeyStage).toBe('consideration');
    expect(view.contentForStage).toEqual(['Comparison sheet']);
    expect(view.setByHand).toBeNull();
    expect(view.contact).toEqual({ displayName: 'Ada Lovelace', email: 'ada@example.com', lifecycleStage: 'salesqualifiedlead' });
    expect(view.generatedAt).toBe(new Date(NOW).toISOString());
  });

  it('explains the decision with the fired rules, the runner-up by name and the margin', () => {
    const view = buildCardView(anInput());

    expect(view.why).toEqual({
      personaId: 'explorer',
      personaName: 'Eager Explorer',
      firedRules: [
        { label: 'Reads a lot', points: 20 },
        { label: 'Analyst title', points: 25 },
      ],
      score: 45,
      threshold: 40,
      runnerUp: { personaId: 'champion', personaName: 'Budget Champion', score: 30, threshold: 50, qualifies: false, margin: 15 },
    });
  });

  it('carries the latest validation verdict of the effective persona only', () => {
    const verdicts = new Map([
      [
        'explorer',
        { status: 'supported' as const, words: 'Hypothesis supported', date: '2026-11-30', pilot: 'pilot.csv', explanation: 'why' },
      ],
      ['champion', { status: 'refuted' as const, words: 'Hypothesis refuted', date: '2026-11-30' }],
    ]);
    expect(buildCardView(anInput({ verdicts })).validation).toEqual({
      status: 'supported',
      words: 'Hypothesis supported',
      date: '2026-11-30',
    });
    expect(buildCardView(anInput({ verdicts: new Map() })).validation).toBeNull();
    expect(buildCardView(anInput({ assignment: unassignedAssignment, verdicts })).validation).toBeNull();
  });

  it('gives an empty content list when the persona has nothing for the stage', () => {
    const view = buildCardView(anInput({ assignment: anAssignment({ journeyStage: 'advocacy' }) }));

    expect(view.contentForStage).toEqual([]);
  });

  it('lets a manual value win while still showing what the rules computed and who set it', () => {
    const view = buildCardView(
      anInput({
        override: { persona: 'champion', by: 'rep@example.com', at: Date.parse('2026-11-20T09:30:00Z') },
        evaluation: anExplanation([
          anEvaluation(champion, { 'Owns budget': false, 'Big team': true }, [
            { label: 'Owns budget', points: 60 },
            { label: 'Big team', points: 30 },
          ]),
        ]),
      }),
    );

    expect(view.state).toBe('assigned');
    expect(view.persona?.id).toBe('champion');
    expect(view.setByHand).toEqual({
      personaId: 'champion',
      personaName: 'Budget Champion',
      setBy: 'rep@example.com',
      setAt: '2026-11-20T09:30:00.000Z',
    });
    expect(view.score).toEqual({ score: 30, threshold: 50, qualifies: false });
    expect(view.computed).toEqual({ personaId: 'explorer', personaName: 'Eager Explorer', score: 45, threshold: 40 });
    expect(view.why?.personaId).toBe('explorer');
    expect(view.contentForStage).toEqual(['ROI calculator']);
  });

  it('shows a manual value naming a persona the rule set no longer has by its raw value', () => {
    const view = buildCardView(anInput({ override: { persona: 'retired_persona', by: null, at: Date.parse('2026-11-01T00:00:00Z') } }));

    expect(view.persona).toMatchObject({ id: 'retired_persona', name: 'retired_persona', kind: null, talkingPoints: [] });
    expect(view.score).toBeNull();
  });

  it('treats a manual unassigned value as unassigned, set by hand', () => {
    const view = buildCardView(
      anInput({ override: { persona: 'unassigned', by: 'rep@example.com', at: Date.parse('2026-11-01T00:00:00Z') } }),
    );

    expect(view.state).toBe('unassigned');
    expect(view.persona).toBeNull();
    expect(view.setByHand?.personaName).toBe('No persona yet');
  });

  it('lists secondary personas with their scores but never repeats the effective persona', () => {
    const view = buildCardView(
      anInput({
        assignment: anAssignment({ secondary: ['champion', 'explorer', 'ghost'] }),
        evaluation: anExplanation([anEvaluation(champion, { 'Owns budget': true }, [{ label: 'Owns budget', points: 55 }])]),
      }),
    );

    expect(view.secondary).toEqual([{ id: 'champion', name: 'Budget Champion', kind: 'buyer', score: 55 }]);
  });

  describe('for an unassigned contact', () => {
    it('points at the non-negative persona the engine found closest, with the fewest big rules that would close the gap', () => {
      const realRuleSet = aRuleSet([
        aPersona({
          id: 'explorer',
          name: 'Eager Explorer',
          kind: 'customer',
          threshold: 40,
          rules: [
            aRule({ property: 'hs_analytics_num_page_views', gte: 10 }, 20, 'Reads a lot'),
            aRule({ property: 'hs_email_click', gte: 1 }, 5, 'Clicks emails'),
            aRule({ property: 'jobtitle', matches: 'analyst' }, 25, 'Analyst title'),
            aRule({ property: 'numberofemployees', gte: 5000 }, -30, 'Large enterprise'),
          ],
        }),
        aPersona({
          id: 'champion',
          name: 'Budget Champion',
          kind: 'buyer',
          threshold: 50,
          rules: [aRule({ property: 'budget', exists: true }, 60, 'Owns budget')],
        }),
        // Closest of all, but nobody should be steered towards a negative persona.
        aPersona({
          id: 'tire_kicker',
          name: 'Tire Kicker',
          kind: 'negative',
          threshold: 30,
          rules: [aRule({ property: 'email', endsWith: 'gmail.com' }, 25, 'Free mail')],
        }),
      ]);
      const compiled = compileRuleSet(realRuleSet);
      const contact = aContact({ hs_analytics_num_page_views: '12', email: 'x@gmail.com' });

      const view = buildCardView(
        anInput({
          ruleSet: realRuleSet,
          assignment: compiled.assign(contact, NOW),
          evaluation: compiled.explainAll(contact, NOW),
        }),
      );

      expect(view.state).toBe('unassigned');
      expect(view.persona).toBeNull();
      expect(view.why).toBeNull();
      expect(view.computed).toEqual({ personaId: null, personaName: 'No persona yet', score: 0, threshold: null });
      expect(view.unassignedHint).toEqual({
        personaId: 'explorer',
        personaName: 'Eager Explorer',
        kind: 'customer',
        score: 20,
        threshold: 40,
        pointsNeeded: 20,
        rulesToQualify: [{ label: 'Analyst title', points: 25 }],
        reachable: true,
      });
    });

    it('lists every suggestion and says so when even all of them would not be enough', () => {
      const evaluation = anEvaluation(explorer, {}, [
        { label: 'Webinar attendee', points: 5 },
        { label: 'Reads a lot', points: 20 },
      ]);
      const view = buildCardView(
        anInput({
          assignment: unassignedAssignment,
          evaluation: anExplanation([evaluation], {
            personaId: 'explorer',
            pointsMissing: 40,
            suggestions: [
              { label: 'Reads a lot', points: 20 },
              { label: 'Webinar attendee', points: 5 },
            ],
          }),
        }),
      );

      expect(view.unassignedHint).toMatchObject({
        pointsNeeded: 40,
        reachable: false,
        rulesToQualify: [
          { label: 'Reads a lot', points: 20 },
          { label: 'Webinar attendee', points: 5 },
        ],
      });
    });

    it('has no hint when no evaluation was provided', () => {
      expect(buildCardView(anInput({ assignment: unassignedAssignment })).unassignedHint).toBeNull();
    });
  });

  it('summarises tickets newest first, counting open ones and capping the list', () => {
    const tickets: { id: string; properties: Record<string, string> }[] = Array.from({ length: RECENT_TICKETS_SHOWN + 2 }, (_, i) => ({
      id: String(i + 1),
      properties: {
        subject: `Ticket ${i + 1}`,
        createdate: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
        hs_pipeline_stage: i % 2 === 0 ? '1' : '4',
      },
    }));
    tickets.push({
      id: 'x',
      properties: { subject: '  ', createdate: 'not a date', hs_pipeline_stage: '2', closed_date: '2026-11-02T00:00:00Z' },
    });

    const view = buildCardView(anInput({ tickets }));

    expect(view.tickets.total).toBe(RECENT_TICKETS_SHOWN + 3);
    expect(view.tickets.open).toBe(4);
    expect(view.tickets.recent).toHaveLength(RECENT_TICKETS_SHOWN);
    expect(view.tickets.recent[0]).toEqual({
      id: '7',
      subject: 'Ticket 7',
      status: 'open',
      priority: null,
      createdAt: '2026-11-07T00:00:00.000Z',
    });
    expect(view.tickets.recent.map((t) => t.id)).toEqual(['7', '6', '5', '4', '3']);
  });

  it('falls back to the email, then the contact id, when the contact has no name', () => {
    expect(buildCardView(anInput({ contact: { properties: { email: ' x@example.com ' } } })).contact.displayName).toBe('x@example.com');
    expect(buildCardView(anInput({ contact: { properties: {} } })).contact.displayName).toBe('Contact 501');
  });
});

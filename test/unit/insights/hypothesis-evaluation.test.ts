import { evaluateHypotheses, judgeHypothesis, PersonaMetricAccumulator } from '../../../src/insights/hypothesis-evaluation';
import { analysePilot } from '../../../src/insights/pilot-statistics';
import type { Persona } from '../../../src/personas/engine/rule-set-schema';

const persona = (id: string, hypothesis: Persona['hypothesis']): Persona => ({
  id,
  name: id.toUpperCase(),
  kind: 'buyer',
  priority: 0,
  threshold: 10,
  profile: {
    bio: 'b',
    photoUrl: 'p',
    goals: [],
    challenges: [],
    channels: [],
    objections: [],
    talkingPoints: [],
    content: { awareness: [], consideration: [], decision: [], advocacy: [] },
  },
  rules: [],
  hypothesis,
});

describe('hypothesis evaluation', () => {
  const estimate = (estimate: number, low: number, high: number, sample = 500) => ({
    estimate,
    interval: [low, high] as const,
    sample,
    method: 'test',
  });

  it('is supported only when the whole interval meets the claim, refuted only when it all misses', () => {
    const p = { id: 'p', name: 'P' };
    const gte = { metric: 'conversion_rate' as const, op: 'gte' as const, value: 0.3 };
    expect(judgeHypothesis(p, gte, estimate(0.4, 0.31, 0.49), 100).status).toBe('supported');
    expect(judgeHypothesis(p, gte, estimate(0.2, 0.15, 0.29), 100).status).toBe('refuted');
    expect(judgeHypothesis(p, gte, estimate(0.32, 0.25, 0.39), 100).status).toBe('not-yet-known');
    const lt = { metric: 'email_open_rate' as const, op: 'lt' as const, value: 0.15 };
    expect(judgeHypothesis(p, lt, estimate(0.1, 0.05, 0.149), 100).status).toBe('supported');
    expect(judgeHypothesis(p, lt, estimate(0.2, 0.15, 0.25), 100).status).toBe('refuted');
  });

  it('stays not yet known below the minimum sample, even with a decisive interval', () => {
    const verdict = judgeHypothesis(
      { id: 'p', name: 'P' },
      { metric: 'customer_rate', op: 'gte', value: 0.1 },
      estimate(0.9, 0.8, 0.95, 30),
      100,
    );
    expect(verdict.status).toBe('not-yet-known');
    expect(verdict.explanation).toMatch(/fewer than the minimum of 100/);
  });

  it('computes the spec metrics from contact properties with their numbers', () => {
    const metrics = new PersonaMetricAccumulator();
    for (let i = 0; i < 400; i++) {
      metrics.add('readers', {
        hs_email_delivered: '20',
        hs_email_open: String(8 + (i % 3) - 1),
        hs_email_click: i % 2 ? '2' : '0',
        num_conversion_events: i % 4 === 0 ? '1' : null,
        lifecyclestage: i % 10 === 0 ? 'customer' : 'lead',
      });
    }
    const verdicts = evaluateHypotheses(
      [
        persona('readers', { metric: 'email_open_rate', op: 'gte', value: 0.35 }),
        persona('readers', { metric: 'email_click_rate', op: 'gte', value: 0.05 }),
        persona('readers', { metric: 'conversion_rate', op: 'lte', value: 0.2 }),
        persona('readers', { metric: 'customer_rate', op: 'lt', value: 0.2 }),
      ],
      metrics.result(),
      null,
      { minSample: 100 },
    );
    expect(verdicts.map((v) => v.status)).toEqual(['supported', 'not-yet-known', 'refuted', 'supported']);
    const opens = Array.from({ length: 400 }, (_, i) => 8 + (i % 3) - 1).reduce((a, b) => a + b, 0);
    expect(verdicts[0].estimate).toBeCloseTo(opens / (400 * 20), 10);
    expect(verdicts[1].estimate).toBeCloseTo(0.05, 10);
    expect(verdicts[2].estimate).toBeCloseTo(0.25, 10);
    expect(verdicts[3].sample).toBe(400);
  });

  it('reads pilot:<outcome> hypotheses from imported pilot results, variants pooled', () => {
    const exposures = Array.from({ length: 600 }, (_, i) => ({
      contactId: String(i),
      personaId: 'p',
      variant: i % 2 ? 'a' : 'b',
      outcomes: new Set(i % 5 === 0 ? ['converted'] : []),
    }));
    const pilot = analysePilot(exposures, { outcomes: ['converted', 'opened'] });
    const [converted, opened, missing] = evaluateHypotheses(
      [
        persona('p', { metric: 'pilot:converted', op: 'gte', value: 0.1 }),
        persona('p', { metric: 'pilot:opened', op: 'gte', value: 0.1 }),
        persona('q', { metric: 'pilot:converted', op: 'gte', value: 0.1 }),
      ],
      new Map(),
      pilot,
    );
    expect(converted.status).toBe('supported');
    expect(converted.estimate).toBeCloseTo(0.2, 10);
    expect(converted.sample).toBe(600);
    expect(opened.status).toBe('refuted');
    expect(missing.status).toBe('not-yet-known');
  });
});

import { ProgressMeter } from '../../../src/sync/progress-meter';

describe('the figures of a streaming sync', () => {
  it('gives remaining contacts and a time to go from the rate measured over the last minute', () => {
    const meter = new ProgressMeter(10_000);
    expect(meter.figures(0, 0, 0)).toEqual({
      total: 10_000,
      scored: 0,
      written: 0,
      remaining: 10_000,
      contactsPerSecond: null,
      etaSeconds: null,
    });
    for (let s = 1; s <= 60; s += 1) meter.figures(s * 1000, s * 400, s * 400);
    expect(meter.figures(61_000, 24_400, 24_400)).toMatchObject({ contactsPerSecond: 400, remaining: 0, etaSeconds: 0 });
    // 50 contacts a second for a minute, then a pause halves the rate: the estimate follows the recent rate.
    const slow = new ProgressMeter(10_000);
    let f = slow.figures(0, 0, 0);
    for (let s = 1; s <= 120; s += 1) f = slow.figures(s * 1000, s < 60 ? s * 50 : 3000 + (s - 60) * 25, 0);
    expect(f.contactsPerSecond).toBeCloseTo(25, 0);
    expect(f.remaining).toBe(10_000 - 4_500);
    expect(f.etaSeconds).toBe(Math.ceil(5_500 / 25));
  });

  it('says nothing about time when the total is unknown or nothing moved, and zero once done', () => {
    const unknown = new ProgressMeter(null);
    unknown.figures(0, 0, 0);
    expect(unknown.figures(5_000, 500, 500)).toMatchObject({ remaining: null, etaSeconds: null, contactsPerSecond: 100 });
    const stuck = new ProgressMeter(100);
    stuck.figures(0, 10, 0);
    expect(stuck.figures(5_000, 10, 0)).toMatchObject({ contactsPerSecond: 0, etaSeconds: null });
    const done = new ProgressMeter(100);
    done.figures(0, 0, 0);
    expect(done.figures(5_000, 120, 100)).toMatchObject({ remaining: 0, etaSeconds: 0 });
  });
});

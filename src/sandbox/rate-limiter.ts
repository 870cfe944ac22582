/**
 * HubSpot's per-portal limits for public OAuth apps: a rolling 10-second burst window for the
 * general API and a separate 1-second window for CRM search (docs/hubspot-contracts.md, Rate limits).
 */

export const BURST_WINDOW_MS = 10_000;
export const SEARCH_WINDOW_MS = 1_000;

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; remaining: 0 };

class RollingWindow {
  private readonly hits: number[] = [];
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  take(now: number): RateDecision {
    while (this.hits.length > 0 && this.hits[0] <= now - this.windowMs) this.hits.shift();
    if (this.hits.length >= this.max) return { allowed: false, remaining: 0 };
    this.hits.push(now);
    return { allowed: true, remaining: this.max - this.hits.length };
  }
}

export interface RateLimiterOptions {
  perTenSeconds: number;
  searchPerSecond: number;
  enabled: boolean;
  clock: () => number;
}

export class RateLimiter {
  private readonly burst = new Map<number, RollingWindow>();
  private readonly search = new Map<number, RollingWindow>();
  constructor(private readonly options: RateLimiterOptions) {}

  get max(): number {
    return this.options.perTenSeconds;
  }

  take(portalId: number, kind: 'burst' | 'search'): RateDecision {
    const { enabled, perTenSeconds, searchPerSecond, clock } = this.options;
    if (!enabled) return { allowed: true, remaining: kind === 'burst' ? perTenSeconds : searchPerSecond };
    const map = kind === 'burst' ? this.burst : this.search;
    if (!map.has(portalId)) {
      map.set(
        portalId,
        kind === 'burst' ? new RollingWindow(perTenSeconds, BURST_WINDOW_MS) : new RollingWindow(searchPerSecond, SEARCH_WINDOW_MS),
      );
    }
    return map.get(portalId)!.take(clock());
  }
}

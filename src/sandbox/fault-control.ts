import type { NextFunction, Request, Response } from 'express';
import { errorBody } from './hubspot-errors';

/** Failures a test or a demo can inject into the sandbox's API responses. */
export interface FaultControl {
  /** The next `count` matching responses are `status` (default 500) with HubSpot's error body. */
  failNext(count: number, options?: { status?: number; pathPattern?: string | RegExp }): void;
  /** Delay matching responses (of one portal's calls, given `portalId`) by `delayMs` (for `count` responses, or until cleared). */
  slow(delayMs: number, options?: { pathPattern?: string | RegExp; count?: number; portalId?: number }): void;
  /** Every API call gets HubSpot's TEN_SECONDLY_ROLLING 429 for `durationMs`. */
  rateLimitStorm(durationMs: number, options?: { portalId?: number }): void;
  /** Destroy the socket of the next `count` matching requests without answering. */
  dropConnections(count: number, options?: { pathPattern?: string | RegExp }): void;
  /** Revoke every access and refresh token of a portal (as an uninstall would). */
  revokeTokens(portalId: number): void;
  /** Removes every fault; responses being delayed are answered at once. */
  clear(): void;
  describe(): FaultState;
}

export interface FaultState {
  failures: { remaining: number; status: number; pathPattern?: string }[];
  slow: { delayMs: number; remaining: number | null; pathPattern?: string; portalId?: number }[];
  stormUntil: number | null;
  stormPortalId: number | null;
  drops: { remaining: number; pathPattern?: string }[];
}

interface Rule {
  pattern?: RegExp;
  /** Only this portal's calls (by their access token). */
  portalId?: number;
  remaining: number | null;
}

function toPattern(p: string | RegExp | undefined): RegExp | undefined {
  if (p === undefined || p === '') return undefined;
  return p instanceof RegExp ? p : new RegExp(p);
}

export interface FaultInjectorDeps {
  clock: () => number;
  revokePortal: (portalId: number) => void;
  portalOfRequest: (req: Request) => number | undefined;
}

export class FaultInjector implements FaultControl {
  private failures: (Rule & { status: number })[] = [];
  private slows: (Rule & { delayMs: number })[] = [];
  private drops: Rule[] = [];
  private stormUntil: number | null = null;
  private stormPortalId: number | null = null;
  /** Responses being delayed now: clearing the faults lets them through at once. */
  private readonly delayed = new Set<() => void>();

  constructor(private readonly deps: FaultInjectorDeps) {}

  failNext(count: number, options: { status?: number; pathPattern?: string | RegExp } = {}): void {
    this.failures.push({ remaining: count, status: options.status ?? 500, pattern: toPattern(options.pathPattern) });
  }

  slow(delayMs: number, options: { pathPattern?: string | RegExp; count?: number; portalId?: number } = {}): void {
    this.slows.push({
      delayMs,
      remaining: options.count ?? null,
      pattern: toPattern(options.pathPattern),
      ...(options.portalId === undefined ? {} : { portalId: options.portalId }),
    });
  }

  rateLimitStorm(durationMs: number, options: { portalId?: number } = {}): void {
    this.stormUntil = this.deps.clock() + durationMs;
    this.stormPortalId = options.portalId ?? null;
  }

  dropConnections(count: number, options: { pathPattern?: string | RegExp } = {}): void {
    this.drops.push({ remaining: count, pattern: toPattern(options.pathPattern) });
  }

  revokeTokens(portalId: number): void {
    this.deps.revokePortal(portalId);
  }

  clear(): void {
    this.failures = [];
    this.slows = [];
    this.drops = [];
    this.stormUntil = null;
    this.stormPortalId = null;
    for (const release of [...this.delayed]) release();
  }

  describe(): FaultState {
    return {
      failures: this.failures.map((f) => ({ remaining: f.remaining ?? 0, status: f.status, pathPattern: f.pattern?.source })),
      slow: this.slows.map((s) => ({
        delayMs: s.delayMs,
        remaining: s.remaining,
        pathPattern: s.pattern?.source,
        ...(s.portalId === undefined ? {} : { portalId: s.portalId }),
      })),
      stormUntil: this.stormUntil,
      stormPortalId: this.stormPortalId,
      drops: this.drops.map((d) => ({ remaining: d.remaining ?? 0, pathPattern: d.pattern?.source })),
    };
  }

  /** Consumes one use of the first rule matching the request, dropping rules that are used up. */
  private consume<T extends Rule>(rules: T[], path: string, req?: Request): { rule: T | undefined; rest: T[] } {
    const rule = rules.find(
      (r) => (!r.pattern || r.pattern.test(path)) && (r.portalId === undefined || (req && this.deps.portalOfRequest(req) === r.portalId)),
    );
    if (!rule) return { rule: undefined, rest: rules };
    if (rule.remaining !== null) rule.remaining -= 1;
    return { rule, rest: rules.filter((r) => r.remaining === null || r.remaining > 0) };
  }

  /** Express middleware for the API routes (never the control API). */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const path = req.originalUrl.split('?')[0];
    const drop = this.consume(this.drops, path);
    this.drops = drop.rest;
    if (drop.rule) {
      req.socket.destroy();
      return;
    }
    const fail = this.consume(this.failures, path);
    this.failures = fail.rest;
    if (fail.rule) {
      res.status(fail.rule.status).json(errorBody('INTERNAL_ERROR', 'internal error (injected by the sandbox)'));
      return;
    }
    if (this.stormUntil !== null) {
      if (this.deps.clock() >= this.stormUntil) {
        this.stormUntil = null;
      } else if (path.startsWith('/crm/') && (this.stormPortalId === null || this.deps.portalOfRequest(req) === this.stormPortalId)) {
        res.status(429).json(
          errorBody('RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
            errorType: 'RATE_LIMIT',
            policyName: 'TEN_SECONDLY_ROLLING',
            requestId: errorBody('', '').correlationId,
          }),
        );
        return;
      }
    }
    const slow = this.consume(this.slows, path, req);
    this.slows = slow.rest;
    if (slow.rule) {
      const release = () => {
        clearTimeout(timer);
        this.delayed.delete(release);
        if (!res.headersSent && !res.writableEnded) next();
      };
      const timer = setTimeout(release, slow.rule.delayMs);
      this.delayed.add(release);
      res.on('close', () => {
        clearTimeout(timer);
        this.delayed.delete(release);
      });
      return;
    }
    next();
  };
}

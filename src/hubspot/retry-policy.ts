/**
 * How a failed HubSpot call is retried: 429s wait for the window HubSpot names (Retry-After when
 * sent, else the policy's window), 5xx and network errors back off exponentially with jitter, a
 * 401 refreshes the token once, and nothing is retried forever.
 */
export interface RetryPolicy {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** Wait after a TEN_SECONDLY_ROLLING 429 without Retry-After (HubSpot's window is 10 s). */
  readonly burstRateLimitDelayMs: number;
  /** Wait after the search "secondly" 429. */
  readonly searchRateLimitDelayMs: number;
  /** First wait after a 5xx or network error; doubles per attempt up to serverErrorMaxDelayMs. */
  readonly serverErrorBaseDelayMs: number;
  readonly serverErrorMaxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  burstRateLimitDelayMs: 10_000,
  searchRateLimitDelayMs: 1_000,
  serverErrorBaseDelayMs: 500,
  serverErrorMaxDelayMs: 30_000,
};

export type FailureKind = 'rate-limited' | 'server' | 'network' | 'unauthorized' | 'fatal';

export interface ClassifiedFailure {
  readonly kind: FailureKind;
  readonly status: number | null;
  /** For rate limits: how long HubSpot asks us to wait. */
  readonly waitMs?: number;
  readonly message: string;
}

interface HttpishError {
  code?: unknown;
  body?: unknown;
  headers?: unknown;
  message?: unknown;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const value = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** Turns whatever the SDK threw into a decision. The message never includes request data. */
export function classifyFailure(err: unknown, policy: RetryPolicy, search: boolean): ClassifiedFailure {
  const e = (err ?? {}) as HttpishError;
  const status = typeof e.code === 'number' ? e.code : null;
  const body = (e.body && typeof e.body === 'object' ? e.body : {}) as Record<string, unknown>;
  const detail = typeof body.message === 'string' ? body.message : typeof body.category === 'string' ? body.category : '';
  if (status === null) {
    return { kind: 'network', status: null, message: `network error: ${typeof e.message === 'string' ? e.message : 'unknown'}` };
  }
  const message = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 429) {
    if (body.policyName === 'DAILY') return { kind: 'fatal', status, message };
    const retryAfter = Number(header(e.headers, 'retry-after'));
    const secondly = body.message === 'You have reached your secondly limit.' || search;
    const fallback = secondly ? policy.searchRateLimitDelayMs : policy.burstRateLimitDelayMs;
    return { kind: 'rate-limited', status, waitMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : fallback, message };
  }
  if (status === 401) return { kind: 'unauthorized', status, message };
  // 423 Locked: HubSpot asks for at least 2 s; 477: a migration, with Retry-After.
  if (status === 423 || status === 477) {
    const retryAfter = Number(header(e.headers, 'retry-after'));
    return { kind: 'rate-limited', status, waitMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 2_000, message };
  }
  if (status >= 500) return { kind: 'server', status, message };
  return { kind: 'fatal', status, message };
}

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.serverErrorMaxDelayMs, policy.serverErrorBaseDelayMs * 2 ** (attempt - 1));
  return Math.round(base / 2 + random() * (base / 2));
}

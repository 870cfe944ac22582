import { backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY } from '../../../src/hubspot/retry-policy';

const apiError = (code: number, body: object = {}, headers: Record<string, string> = {}) => ({ code, body, headers });

describe('classifying HubSpot failures for retry', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('waits the Retry-After seconds HubSpot sends with a 429', () => {
    expect(classifyFailure(apiError(429, { policyName: 'TEN_SECONDLY_ROLLING' }, { 'retry-after': '3' }), policy, false)).toMatchObject({
      kind: 'rate-limited',
      waitMs: 3_000,
    });
  });

  it('waits for the 10-second window after a burst 429 without Retry-After, and one second after a search 429', () => {
    expect(classifyFailure(apiError(429, { policyName: 'TEN_SECONDLY_ROLLING' }), policy, false).waitMs).toBe(policy.burstRateLimitDelayMs);
    expect(classifyFailure(apiError(429, { message: 'You have reached your secondly limit.' }), policy, true).waitMs).toBe(
      policy.searchRateLimitDelayMs,
    );
  });

  it('does not retry a daily-limit 429 or a 400', () => {
    expect(classifyFailure(apiError(429, { policyName: 'DAILY' }), policy, false).kind).toBe('fatal');
    expect(classifyFailure(apiError(400, { message: 'bad' }), policy, false).kind).toBe('fatal');
  });

  it('retries 5xx and network errors, and asks for a token refresh on 401', () => {
    expect(classifyFailure(apiError(502), policy, false).kind).toBe('server');
    expect(classifyFailure(new TypeError('fetch failed'), policy, false).kind).toBe('network');
    expect(classifyFailure(apiError(401), policy, false).kind).toBe('unauthorized');
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(policy, 1, () => 0)).toBe(policy.serverErrorBaseDelayMs / 2);
    expect(backoffDelay(policy, 3, () => 1)).toBe(policy.serverErrorBaseDelayMs * 4);
    expect(backoffDelay(policy, 30, () => 1)).toBe(policy.serverErrorMaxDelayMs);
  });
});

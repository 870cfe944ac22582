import { Signature } from '@hubspot/api-client';
import { normalizeV3Uri, signV1, signV2, signV3, verifyV3 } from '../../../src/platform/hubspot-signature';

const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const body = '[{"eventId":1,"subscriptionType":"contact.creation","portalId":62515,"objectId":123}]';
const url = 'https://personas.example.com/webhooks/hubspot?x=1';
const now = 1_700_000_000_000;

describe('HubSpot signatures', () => {
  it("matches HubSpot's documented v2 test vector", () => {
    expect(signV2({ method: 'GET', url: 'https://www.example.com/webhook_uri', body: '' }, secret)).toBe(
      'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e',
    );
  });

  it("agrees with the SDK's independent implementation for v1, v2 and v3", () => {
    expect(Signature.isValid({ signature: signV1(body, secret), clientSecret: secret, requestBody: body, signatureVersion: 'v1' })).toBe(
      true,
    );
    expect(
      Signature.isValid({
        signature: signV2({ method: 'POST', url, body }, secret),
        clientSecret: secret,
        requestBody: body,
        signatureVersion: 'v2',
        url,
        method: 'POST',
      }),
    ).toBe(true);
    const ts = Date.now();
    expect(
      Signature.isValid({
        signature: signV3({ method: 'POST', url, body }, secret, ts),
        clientSecret: secret,
        requestBody: body,
        signatureVersion: 'v3',
        url,
        method: 'POST',
        timestamp: ts,
      }),
    ).toBe(true);
  });

  it("decodes exactly HubSpot's list of escapes in v3 URIs", () => {
    expect(normalizeV3Uri('https://h/p%3Fa%3Db%2Cc%40d%20e')).toBe('https://h/p?a%3Db,c@d%20e');
  });

  const check = (over: Partial<Parameters<typeof verifyV3>[0]> = {}) =>
    verifyV3({
      request: { method: 'POST', url, body },
      clientSecret: secret,
      signature: signV3({ method: 'POST', url, body }, secret, now),
      timestamp: String(now),
      nowMs: now + 1000,
      ...over,
    });

  it('accepts a fresh, correctly signed request', () => {
    expect(check()).toEqual({ ok: true });
  });

  it('refuses a tampered body, URL or method', () => {
    expect(check({ request: { method: 'POST', url, body: body.replace('123', '124') } })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ request: { method: 'POST', url: url + '&y=2', body } })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ request: { method: 'PUT', url, body } })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ clientSecret: 'another-secret' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses stale, far-future, missing or malformed timestamps', () => {
    expect(check({ nowMs: now + 5 * 60_000 + 1 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(check({ nowMs: now - 5 * 60_000 - 1 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing-timestamp' });
    expect(check({ timestamp: '12abc' })).toEqual({ ok: false, reason: 'missing-timestamp' });
  });

  it('refuses a missing or truncated signature', () => {
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing-signature' });
    expect(check({ signature: signV3({ method: 'POST', url, body }, secret, now).slice(0, 10) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});

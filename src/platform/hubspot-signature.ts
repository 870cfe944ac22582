import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HubSpot's request signatures, shared by the side that signs (the sandbox portal) and the side
 * that verifies (the app's HTTP guards). Tests check both against the SDK's independent
 * `Signature` implementation, so a mistake here cannot hide by being made twice.
 */

export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

// HubSpot decodes exactly these escapes in the URI before hashing a v3 signature.
const V3_URI_DECODES: ReadonlyArray<[RegExp, string]> = [
  [/%3A/gi, ':'],
  [/%2F/gi, '/'],
  [/%3F/gi, '?'],
  [/%40/gi, '@'],
  [/%21/gi, '!'],
  [/%24/gi, '$'],
  [/%27/gi, "'"],
  [/%28/gi, '('],
  [/%29/gi, ')'],
  [/%2A/gi, '*'],
  [/%2C/gi, ','],
  [/%3B/gi, ';'],
];

export function normalizeV3Uri(uri: string): string {
  return V3_URI_DECODES.reduce((acc, [pattern, char]) => acc.replace(pattern, char), uri);
}

export interface SignedRequest {
  method: string;
  /** The full public URL HubSpot called: scheme, host, path and query as sent. */
  url: string;
  /** The raw body bytes as text; empty string when there is none. */
  body: string;
}

export function signV3(request: SignedRequest, clientSecret: string, timestampMs: number): string {
  const source = `${request.method.toUpperCase()}${normalizeV3Uri(request.url)}${request.body}${timestampMs}`;
  return createHmac('sha256', clientSecret).update(source, 'utf8').digest('base64');
}

export function signV2(request: SignedRequest, clientSecret: string): string {
  const source = `${clientSecret}${request.method.toUpperCase()}${request.url}${request.body}`;
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

export function signV1(body: string, clientSecret: string): string {
  return createHash('sha256').update(`${clientSecret}${body}`, 'utf8').digest('hex');
}

export type SignatureCheck =
  { ok: true } | { ok: false; reason: 'missing-signature' | 'missing-timestamp' | 'stale-timestamp' | 'mismatch' };

/** Verifies a v3 signature: constant-time comparison, timestamps older than 5 minutes refused. */
export function verifyV3(options: {
  request: SignedRequest;
  clientSecret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs: number;
}): SignatureCheck {
  const { signature, timestamp } = options;
  if (!signature) return { ok: false, reason: 'missing-signature' };
  if (!timestamp || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'missing-timestamp' };
  const ts = Number(timestamp);
  // Future timestamps beyond the window are as suspicious as stale ones.
  if (Math.abs(options.nowMs - ts) > SIGNATURE_MAX_AGE_MS) return { ok: false, reason: 'stale-timestamp' };
  const expected = Buffer.from(signV3(options.request, options.clientSecret, ts), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}

/**
 * Verifies a v2 signature (custom workflow actions and their option fetches): SHA-256 hex of
 * secret + method + URL + body, compared in constant time. v2 carries no timestamp, so a captured
 * request can be replayed; callers must answer idempotently.
 */
export function verifyV2(options: {
  request: SignedRequest;
  clientSecret: string;
  signature: string | undefined;
  version: string | undefined;
}): SignatureCheck {
  if (!options.signature || options.version?.trim().toLowerCase() !== 'v2') return { ok: false, reason: 'missing-signature' };
  const expected = Buffer.from(signV2(options.request, options.clientSecret), 'utf8');
  const given = Buffer.from(options.signature.trim().toLowerCase(), 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}

/**
 * HubSpot's own count of a portal's rolling window, read from every non-search response
 * (`X-HubSpot-RateLimit-Max` and `-Remaining`; docs/hubspot-contracts.md, Rate limits).
 *
 * Our limiter spaces request starts so that no 10 s holds more than our budget (108 of 110), but
 * HubSpot counts arrivals, not starts: a request that waits behind our event loop or theirs lands
 * later than it was started and bunches with the next, so HubSpot's window can hold more than ours.
 * With nothing to steer by, that drift ends in a 429 and a 10 s pause for the whole portal (5% of a
 * 200 s first sync). The headers say how much of the spare the drift has used: below it, starts wait
 * one request slot per request missing, which HubSpot's window then sheds.
 */
export function holdFromRateHeaders(headers: Readonly<Record<string, string | undefined>>, budgetPer10s: number): number {
  const max = Number(headers['x-hubspot-ratelimit-max']);
  const remaining = Number(headers['x-hubspot-ratelimit-remaining']);
  const intervalMs = Number(headers['x-hubspot-ratelimit-interval-milliseconds'] ?? 10_000);
  if (!Number.isFinite(max) || !Number.isFinite(remaining) || !(max > 0) || !(intervalMs > 0)) return 0;
  // What our budget leaves spare of HubSpot's ceiling; at least one, so a full window always holds.
  const spare = Math.max(1, max - budgetPer10s);
  if (remaining >= spare) return 0;
  return Math.ceil(((spare - remaining) * intervalMs) / Math.min(max, budgetPer10s));
}

import express, { Router, type Request } from 'express';
import { rawBodyOf, keepRawBody } from '../http/raw-body';
import { requireHubSpotSignature } from '../http/hubspot-signature-guard';
import { findHostileValue, hostileInputError, withoutNul } from '../http/hostile-input';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { InboxEntry, InboxStore } from './inbox-store';
import { dedupeKeyOf, webhookBatchSchema } from './webhook-event';

export const WEBHOOK_ROUTE = '/webhooks/hubspot';

/** 100 events of a few hundred bytes each fit many times over; anything bigger is not HubSpot. */
export const WEBHOOK_BODY_LIMIT_BYTES = 512 * 1024;

export interface WebhookRoutesDeps {
  readonly inbox: Pick<InboxStore, 'enqueue'>;
  readonly clientSecret: string;
  /** The public base URL HubSpot calls: the v3 signature covers it. */
  readonly appBaseUrl: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Called after a batch is stored, so the worker starts at once instead of at its next poll. */
  readonly onEnqueued?: (portalIds: readonly number[]) => void;
  readonly bodyLimitBytes?: number;
}

/**
 * HubSpot's webhook intake: signature, validation, one inbox transaction, 2xx. Nothing else happens
 * on this path (HubSpot retries anything slower than 5 s), and nothing here calls HubSpot.
 */
export function createWebhookRoutes(deps: WebhookRoutesDeps): Router {
  const limit = deps.bodyLimitBytes ?? WEBHOOK_BODY_LIMIT_BYTES;
  const router = Router();
  router.post(
    WEBHOOK_ROUTE,
    // When the app's global JSON parser already read the body this is a no-op; otherwise it keeps the
    // raw bytes without parsing them, so the signature is checked before any parsing happens.
    express.raw({ type: () => true, limit, verify: keepRawBody }),
    function bodyLimit(req, _res, next) {
      // The global parser may allow more than we do.
      if (Buffer.byteLength(rawBodyOf(req), 'utf8') > limit)
        next(new AppError('payload_too_large', `A webhook batch may be at most ${limit} bytes`));
      else next();
    },
    requireHubSpotSignature({ clientSecret: deps.clientSecret, appBaseUrl: deps.appBaseUrl, clock: deps.clock }),
    async function receiveWebhooks(req, res) {
      const parsed = webhookBatchSchema.safeParse(checkedBodyOf(req));
      if (!parsed.success) {
        throw new AppError('validation_failed', 'The webhook batch is not a valid array of HubSpot events', {
          details: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
        });
      }
      const entries: InboxEntry[] = parsed.data.map((event) => ({
        portalId: event.portalId,
        dedupeKey: dedupeKeyOf(event),
        event,
        occurredAt: event.occurredAt,
      }));
      const result = await deps.inbox.enqueue(entries, deps.clock.now());
      if (result.inserted > 0) deps.onEnqueued?.([...new Set(entries.map((e) => e.portalId))]);
      if (result.duplicates > 0) deps.logger?.debug({ duplicates: result.duplicates }, 'webhook duplicates skipped');
      res.status(200).json({ accepted: result.inserted, duplicates: result.duplicates });
    },
  );
  return router;
}

/**
 * The schema keeps fields it does not know, and storing them recurses: refuse a batch nested
 * deeper than any HubSpot event. U+0000 is removed rather than refused: HubSpot retries a 4xx, and
 * the rest of the event is still worth keeping, but PostgreSQL cannot store the character.
 */
function checkedBodyOf(req: Request): unknown {
  const body = bodyOf(req);
  const tooDeep = findHostileValue(body, { ignoreNul: true });
  if (tooDeep) throw hostileInputError(tooDeep, 'webhook batch');
  return findHostileValue(body) ? withoutNul(body) : body;
}

function bodyOf(req: Request): unknown {
  if (req.body !== undefined && !Buffer.isBuffer(req.body)) return req.body;
  const raw = rawBodyOf(req);
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('bad_request', 'The request body is not valid JSON');
  }
}

import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { portalOf, principalOf } from '../http/portal-access';
import { parseOrThrow } from '../http/validate';
import type { ReviewQueueService } from '../personas/review-queue-service';

export interface ReviewQueueRoutesDeps {
  readonly guard: RequestHandler;
  readonly reviewQueue: Pick<ReviewQueueService, 'page' | 'decide'>;
}

const pageQuery = z.object({ cursor: z.string().max(400).optional(), limit: z.coerce.number().int().min(0).max(100).default(25) });
const decisionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('confirm') }),
  z.object({ action: z.literal('pick'), personaId: z.string().min(1).max(100) }),
  z.object({ action: z.literal('dismiss') }),
]);

/**
 * /api/admin/portals/:portalId/review-queue: a page of close calls, closest first (`limit=0` gives
 * only the size), and `POST …/:contactId` to confirm, pick another persona, or dismiss.
 */
export function createReviewQueueRoutes(deps: ReviewQueueRoutesDeps): Router {
  const router = express.Router();
  router.get('/api/admin/portals/:portalId/review-queue', deps.guard, async (req, res) => {
    const portalId = portalOf(req);
    const query = parseOrThrow(pageQuery, req.query, 'query');
    res.json(await deps.reviewQueue.page(portalId, { cursor: query.cursor ?? null, limit: query.limit }));
  });
  router.post('/api/admin/portals/:portalId/review-queue/:contactId', deps.guard, async (req, res) => {
    const portalId = portalOf(req);
    const decision = parseOrThrow(decisionBody, req.body ?? {}, 'decision');
    res.json(await deps.reviewQueue.decide(portalId, String(req.params.contactId), decision, principalOf(req).actor));
  });
  return router;
}

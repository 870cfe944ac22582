import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { PortalId } from '../crm/model';
import { portalOf } from '../http/portal-access';
import { parseOrThrow } from '../http/validate';
import type { PublishImpactService } from '../personas/publish-impact';

export interface PublishImpactRoutesDeps {
  readonly guard: RequestHandler;
  readonly impact: Pick<PublishImpactService, 'usage'>;
  /** The name of the persona enumeration property in the portal's live rule set. */
  readonly personaProperty: (portalId: PortalId) => Promise<string>;
}

const personaValue = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'persona ids are [a-z][a-z0-9_]{0,63}');
const usageQuery = z.object({
  values: z
    .string()
    .max(2000)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(personaValue).max(50)),
});

/**
 * `GET /api/admin/portals/:portalId/publish-impact?values=a,b`: the HubSpot active lists and
 * workflows that read those persona values, each half "checked" or "could-not-check" with why.
 */
export function createPublishImpactRoutes(deps: PublishImpactRoutesDeps): Router {
  const router = express.Router();
  router.get('/api/admin/portals/:portalId/publish-impact', deps.guard, async (req, res) => {
    const portalId = portalOf(req);
    const { values } = parseOrThrow(usageQuery, req.query, 'query');
    res.json(await deps.impact.usage(portalId, await deps.personaProperty(portalId), values));
  });
  return router;
}

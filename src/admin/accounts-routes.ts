import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { portalOf } from '../http/portal-access';
import { parseOrThrow } from '../http/validate';
import type { AccountsService } from './accounts-service';

export interface AccountsRoutesDeps {
  readonly guard: RequestHandler;
  readonly accounts: Pick<AccountsService, 'page'>;
}

const accountsQuery = z.object({
  sort: z.enum(['size', 'name']).default('size'),
  gap: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a persona id: [a-z][a-z0-9_]{0,63}')
    .optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

/**
 * `GET /api/admin/portals/:portalId/accounts?sort=size|name&gap=<persona id>&page=1&pageSize=25`:
 * companies with their buying-committee coverage and gaps, biggest first by default.
 */
export function createAccountsRoutes(deps: AccountsRoutesDeps): Router {
  const router = express.Router();
  router.get('/api/admin/portals/:portalId/accounts', deps.guard, async (req, res) => {
    const portalId = portalOf(req);
    const query = parseOrThrow(accountsQuery, req.query, 'query');
    res.json(await deps.accounts.page(portalId, query));
  });
  return router;
}

import { Router, type RequestHandler, type Response } from 'express';
import { requireHubSpotSignature } from '../http/hubspot-signature-guard';
import { assertPortalAccess, principalOf } from '../http/portal-access';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { CompanyCardQueries } from './company-card-service';
import type { CompanyCardView } from './company-card-view';
import { PREVIEW_CSP } from './card-routes';
import { renderCompanyCardPreview } from './render-card-preview';
import { companyCardTarget } from './signed-query';

export interface CompanyCardRoutesDeps {
  readonly companyCards: CompanyCardQueries;
  readonly clientSecret: string;
  /** The public base URL HubSpot calls, used to rebuild the signed URL. */
  readonly appBaseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Guards the preview page; a signed-in admin sees only their own portals. */
  readonly adminGuard: RequestHandler;
}

export const COMPANY_CARD_API_PATH = '/api/cards/company';
export const COMPANY_CARD_PREVIEW_PATH = '/preview/cards/company';

/**
 * The endpoint the company card calls through `hubspot.fetch` (same security as the persona card:
 * HubSpot's v3 signature, the portal only from the signed URL), and its browser preview.
 */
export function createCompanyCardRoutes(deps: CompanyCardRoutesDeps): Router {
  const router = Router();
  const signed = requireHubSpotSignature({ clientSecret: deps.clientSecret, appBaseUrl: deps.appBaseUrl, clock: deps.clock });

  const checked = (portalId: number, companyId: string, view: CompanyCardView | null): CompanyCardView => {
    if (view === null) throw new AppError('not_found', `Company ${companyId} was not found in portal ${portalId}`);
    // A store bug must never turn into another portal's data on a rep's screen.
    if (view.portalId !== portalId || view.companyId !== companyId) {
      deps.logger.error(
        { portalId, companyId, viewPortalId: view.portalId, viewCompanyId: view.companyId },
        'company card view does not match the request',
      );
      throw new AppError('internal', 'The card could not be built');
    }
    return view;
  };
  const send = (res: Response, body: CompanyCardView) => {
    res.setHeader('cache-control', 'no-store');
    res.json(body);
  };

  router.get(COMPANY_CARD_API_PATH, signed, async function getCompanyCard(req, res) {
    const { portalId, companyId } = companyCardTarget(req);
    send(res, checked(portalId, companyId, await deps.companyCards.getCompanyCardView(portalId, companyId)));
  });

  router.get(COMPANY_CARD_PREVIEW_PATH, deps.adminGuard, async function previewCompanyCard(req, res) {
    const { portalId, companyId } = companyCardTarget(req);
    assertPortalAccess(principalOf(req), portalId);
    const view = checked(portalId, companyId, await deps.companyCards.getCompanyCardView(portalId, companyId));
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', PREVIEW_CSP);
    res.type('html').send(renderCompanyCardPreview(view));
  });

  return router;
}

import { Router, type RequestHandler, type Response } from 'express';
import { assertPortalAccess, principalOf } from '../http/portal-access';
import { requireHubSpotSignature } from '../http/hubspot-signature-guard';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { CardView } from './card-view';
import { renderCardPreview } from './render-card-preview';
import { cardTarget } from './signed-query';

/** What the card routes need from the rest of the app. */
export interface CardQueries {
  /**
   * The card view of a contact from the local store, without calling HubSpot for a synced contact.
   * A contact not synced yet is fetched, assigned and stored on demand; null when HubSpot does not know it either.
   */
  getCardView(portalId: number, contactId: string): Promise<CardView | null>;
  /** Re-reads the contact, re-runs the rules and stores the result; null when the contact does not exist. */
  recompute(portalId: number, contactId: string): Promise<CardView | null>;
}

export interface CardRoutesDeps {
  readonly cardQueries: CardQueries;
  readonly clientSecret: string;
  /** The public base URL HubSpot calls, used to rebuild the signed URL. */
  readonly appBaseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Guards the preview page (requireAdmin); a signed-in admin sees only their own portals. */
  readonly adminGuard: RequestHandler;
}

export const CARD_API_PATH = '/api/cards/persona';
export const CARD_RECOMPUTE_PATH = '/api/cards/persona/recompute';
export const CARD_PREVIEW_PATH = '/preview/cards/persona';

/** The preview pages carry no scripts and load nothing from other hosts except persona photos. */
export const PREVIEW_CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/**
 * The endpoints the persona card calls through `hubspot.fetch`, plus the browser preview of the
 * same card. The portal always comes from the signed URL, and a view is only returned for it.
 */
export function createCardRoutes(deps: CardRoutesDeps): Router {
  const router = Router();
  const signed = requireHubSpotSignature({ clientSecret: deps.clientSecret, appBaseUrl: deps.appBaseUrl, clock: deps.clock });

  const checked = (portalId: number, contactId: string, view: CardView | null): CardView => {
    if (view === null) throw new AppError('not_found', `Contact ${contactId} was not found in portal ${portalId}`);
    // A store bug must never turn into another portal's data on a rep's screen.
    if (view.portalId !== portalId || view.contactId !== contactId) {
      deps.logger.error(
        { portalId, contactId, viewPortalId: view.portalId, viewContactId: view.contactId },
        'card view does not match the request',
      );
      throw new AppError('internal', 'The card could not be built');
    }
    return view;
  };
  const sendView = (res: Response, portalId: number, contactId: string, view: CardView | null) => {
    const body = checked(portalId, contactId, view);
    res.setHeader('cache-control', 'no-store');
    res.json(body);
  };

  router.get(CARD_API_PATH, signed, async function getPersonaCard(req, res) {
    const { portalId, contactId } = cardTarget(req);
    sendView(res, portalId, contactId, await deps.cardQueries.getCardView(portalId, contactId));
  });

  router.post(CARD_RECOMPUTE_PATH, signed, async function recomputePersonaCard(req, res) {
    const { portalId, contactId } = cardTarget(req);
    sendView(res, portalId, contactId, await deps.cardQueries.recompute(portalId, contactId));
  });

  router.get(CARD_PREVIEW_PATH, deps.adminGuard, async function previewPersonaCard(req, res) {
    const { portalId, contactId } = cardTarget(req);
    assertPortalAccess(principalOf(req), portalId);
    const view = checked(portalId, contactId, await deps.cardQueries.getCardView(portalId, contactId));
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', PREVIEW_CSP);
    res.type('html').send(renderCardPreview(view));
  });

  return router;
}

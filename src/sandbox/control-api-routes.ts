import express, { type Request, type Response, type Router } from 'express';
import type { FaultInjector } from './fault-control';
import { ObjectNotFoundError, PropertyValidationError, type PortalStore } from './portal-store';
import type { SandboxDataControl } from './sandbox-data-control';
import type { WebhookDispatcher } from './webhook-dispatcher';
import type { OutboundCaller } from './outbound-calls';

/**
 * The sandbox's JSON control API under /_sandbox/api, for tests and scripts: edit the portal's
 * records, trigger HubSpot's outbound calls, inject faults, watch and steer webhook delivery.
 * The page a person uses is `control-page.ts`.
 */

export interface ControlApiDeps {
  stores: ReadonlyMap<number, PortalStore>;
  data: SandboxDataControl;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
  outbound: OutboundCaller;
  stats: (portalId: number) => unknown;
  issueTokens: (portalId: number) => unknown;
}

function stringProps(value: unknown): Record<string, string | null> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
  );
}

/** Turns store errors into JSON answers shaped like HubSpot's. */
function guard(handler: (req: Request, res: Response) => unknown) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const result = await handler(req, res);
      if (!res.headersSent) {
        if (result === undefined) res.status(204).end();
        else res.json(result);
      }
    } catch (e) {
      if (e instanceof ObjectNotFoundError)
        return void res.status(404).json({ status: 'error', category: 'OBJECT_NOT_FOUND', message: e.message });
      if (e instanceof PropertyValidationError)
        return void res.status(400).json({ status: 'error', category: 'VALIDATION_ERROR', message: e.message, errors: e.problems });
      if (e instanceof RangeError) return void res.status(404).json({ status: 'error', category: 'OBJECT_NOT_FOUND', message: e.message });
      throw e;
    }
  };
}

export function createControlApiRoutes(deps: ControlApiDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '256kb' });
  const pid = (req: Request) => Number(req.params.portalId);
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const editOptions = (b: Record<string, unknown>) => ({
    changeSource: typeof b.changeSource === 'string' ? b.changeSource : undefined,
    sourceId: typeof b.sourceId === 'string' ? b.sourceId : undefined,
  });

  const api = '/_sandbox/api';
  router.get(
    `${api}/portals`,
    guard(() => ({
      results: [...deps.stores.values()].map((s) => ({
        portalId: s.portalId,
        hubDomain: s.hubDomain,
        contacts: s.base.contacts,
        seed: s.base.seed,
        overlayEntries: s.overlaySize(),
      })),
    })),
  );
  router.post(
    `${api}/portals/:portalId/tokens`,
    guard((req) => deps.issueTokens(pid(req))),
  );
  router.get(
    `${api}/portals/:portalId/stats`,
    guard((req) => deps.stats(pid(req))),
  );
  router.get(
    `${api}/portals/:portalId/contacts/:id`,
    guard((req) => {
      const c = deps.data.getContact(pid(req), String(req.params.id));
      if (!c) throw new ObjectNotFoundError('contacts', String(req.params.id));
      return { ...c, ticketIds: deps.data.ticketIdsOfContact(pid(req), c.id), plantedGroup: deps.data.groundTruth(pid(req), c.id) ?? null };
    }),
  );
  router.patch(
    `${api}/portals/:portalId/contacts/:id`,
    json,
    guard((req) => deps.data.updateContact(pid(req), String(req.params.id), stringProps(body(req).properties), editOptions(body(req)))),
  );
  router.post(
    `${api}/portals/:portalId/contacts`,
    json,
    guard((req) => deps.data.createContact(pid(req), stringProps(body(req).properties), editOptions(body(req)))),
  );
  router.delete(
    `${api}/portals/:portalId/contacts/:id`,
    guard((req) => deps.data.deleteContact(pid(req), String(req.params.id))),
  );
  router.post(
    `${api}/portals/:portalId/contacts/:id/privacy-delete`,
    guard((req) => deps.data.privacyDelete(pid(req), String(req.params.id))),
  );
  router.post(
    `${api}/portals/:portalId/contacts/:id/restore`,
    guard((req) => deps.data.restoreContact(pid(req), String(req.params.id))),
  );
  router.post(
    `${api}/portals/:portalId/merge`,
    json,
    guard((req) => deps.data.mergeContacts(pid(req), String(body(req).primaryId), String(body(req).mergedId), editOptions(body(req)))),
  );
  router.post(
    `${api}/portals/:portalId/tickets`,
    json,
    guard((req) => {
      const ids = body(req).contactIds;
      return deps.data.createTicket(
        pid(req),
        stringProps(body(req).properties),
        Array.isArray(ids) ? ids.map(String) : [],
        editOptions(body(req)),
      );
    }),
  );
  router.patch(
    `${api}/portals/:portalId/tickets/:id`,
    json,
    guard((req) => deps.data.updateTicket(pid(req), String(req.params.id), stringProps(body(req).properties), editOptions(body(req)))),
  );
  router.delete(
    `${api}/portals/:portalId/tickets/:id`,
    guard((req) => deps.data.deleteTicket(pid(req), String(req.params.id))),
  );
  router.post(
    `${api}/portals/:portalId/associations`,
    json,
    guard((req) => ({ changed: deps.data.associate(pid(req), String(body(req).contactId), String(body(req).ticketId)) })),
  );
  router.delete(
    `${api}/portals/:portalId/associations/:contactId/:ticketId`,
    guard((req) => ({ changed: deps.data.unassociate(pid(req), String(req.params.contactId), String(req.params.ticketId)) })),
  );
  router.get(
    `${api}/portals/:portalId/companies/:id`,
    guard((req) => {
      const company = deps.data.getCompany(pid(req), String(req.params.id));
      return company && { ...company, contactIds: deps.data.contactIdsOfCompany(pid(req), company.id) };
    }),
  );
  router.patch(
    `${api}/portals/:portalId/companies/:id`,
    json,
    guard((req) =>
      deps.data.updateCompany(
        pid(req),
        String(req.params.id),
        (req.body as { properties?: Record<string, string | null> }).properties ?? {},
      ),
    ),
  );
  router.post(
    `${api}/portals/:portalId/company-associations`,
    json,
    guard((req) => {
      const b = req.body as { contactId?: unknown; companyId?: unknown; primary?: unknown };
      return { changed: deps.data.associateCompany(pid(req), String(b.contactId), String(b.companyId), b.primary === true) };
    }),
  );
  router.delete(
    `${api}/portals/:portalId/company-associations/:contactId/:companyId`,
    guard((req) => ({ changed: deps.data.unassociateCompany(pid(req), String(req.params.contactId), String(req.params.companyId)) })),
  );
  router.post(
    `${api}/portals/:portalId/contacts/:id/survey-responses`,
    json,
    guard((req) =>
      deps.data.addSurveyResponse(
        pid(req),
        String(req.params.id),
        (req.body as { properties?: Record<string, string | null> }).properties ?? {},
      ),
    ),
  );
  router.post(
    `${api}/portals/:portalId/card-fetch`,
    json,
    guard((req) =>
      deps.outbound.cardFetch({
        portalId: pid(req),
        // A company card is fetched from a company record: `companyId` instead of `contactId`.
        ...(body(req).companyId !== undefined ? { companyId: String(body(req).companyId) } : { contactId: String(body(req).contactId) }),
        userId: body(req).userId as number | undefined,
        userEmail: body(req).userEmail as string | undefined,
      }),
    ),
  );
  router.post(
    `${api}/portals/:portalId/workflow-action`,
    json,
    guard((req) =>
      deps.outbound.workflowAction({
        portalId: pid(req),
        contactId: String(body(req).contactId),
        callbackId: body(req).callbackId as string | undefined,
        inputFields: stringProps(body(req).inputFields) as Record<string, string>,
        signature: body(req).signature === 'v3' ? 'v3' : 'v2',
      }),
    ),
  );
  router.post(
    `${api}/portals/:portalId/workflow-action-options`,
    json,
    guard((req) =>
      deps.outbound.workflowOptions({
        portalId: pid(req),
        inputFieldName: typeof body(req).inputFieldName === 'string' ? String(body(req).inputFieldName) : 'persona_to_check',
        q: typeof body(req).q === 'string' ? String(body(req).q) : undefined,
      }),
    ),
  );

  router.get(
    `${api}/faults`,
    guard(() => deps.faults.describe()),
  );
  router.delete(
    `${api}/faults`,
    guard(() => deps.faults.clear()),
  );
  router.post(
    `${api}/faults`,
    json,
    guard((req) => {
      const b = body(req);
      const pathPattern = typeof b.pathPattern === 'string' ? b.pathPattern : undefined;
      switch (b.kind) {
        case 'fail':
          deps.faults.failNext(Number(b.count ?? 1), { status: b.status === undefined ? undefined : Number(b.status), pathPattern });
          break;
        case 'slow':
          deps.faults.slow(Number(b.delayMs ?? 1000), {
            pathPattern,
            count: b.count === undefined ? undefined : Number(b.count),
            portalId: b.portalId === undefined ? undefined : Number(b.portalId),
          });
          break;
        case 'rateLimitStorm':
          deps.faults.rateLimitStorm(Number(b.durationMs ?? 10_000), {
            portalId: b.portalId === undefined ? undefined : Number(b.portalId),
          });
          break;
        case 'drop':
          deps.faults.dropConnections(Number(b.count ?? 1), { pathPattern });
          break;
        case 'revokeTokens':
          deps.faults.revokeTokens(Number(b.portalId));
          break;
        default:
          throw new RangeError('kind must be one of fail, slow, rateLimitStorm, drop, revokeTokens');
      }
      return deps.faults.describe();
    }),
  );

  router.get(
    `${api}/webhooks/deliveries`,
    guard(() => ({ results: deps.webhooks.deliveries() })),
  );
  router.post(
    `${api}/webhooks/flush`,
    guard(async () => {
      await deps.webhooks.flush();
    }),
  );
  router.post(
    `${api}/webhooks/mode`,
    json,
    guard((req) => {
      const b = body(req);
      if (b.dialect !== undefined && b.dialect !== 'legacy' && b.dialect !== 'generic')
        throw new RangeError('dialect must be legacy or generic');
      deps.webhooks.setMode({
        duplicates: b.duplicates === undefined ? undefined : Number(b.duplicates),
        outOfOrder: b.outOfOrder === true,
        dialect: b.dialect as 'legacy' | 'generic' | undefined,
      });
    }),
  );

  return router;
}

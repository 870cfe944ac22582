import express, { type Request, type Response, type Router } from 'express';
import type { FaultInjector } from './fault-control';
import { ObjectNotFoundError, PropertyValidationError, type PortalStore } from './portal-store';
import type { SandboxDataControl } from './sandbox-data-control';
import type { WebhookDispatcher } from './webhook-dispatcher';
import type { OutboundCaller } from './outbound-calls';
import { MARKETPLACE_APPROVE_PATH } from './oauth-install-pages';
import { escapeHtml } from '../platform/html';

/**
 * The sandbox's own control surface under /_sandbox: a JSON API for tests and scripts, and a
 * plain HTML page (no scripts, no external hosts) where a person edits the portal.
 */

export interface ControlRoutesDeps {
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

export function createControlRoutes(deps: ControlRoutesDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '256kb' });
  const form = express.urlencoded({ extended: false, limit: '64kb' });
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
          deps.faults.slow(Number(b.delayMs ?? 1000), { pathPattern, count: b.count === undefined ? undefined : Number(b.count) });
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

  // ---------- the page ----------

  const back = (res: Response, portalId: number, contactId: string | undefined, message: string) => {
    const q = new URLSearchParams({ portal: String(portalId), message });
    if (contactId) q.set('contact', contactId);
    res.redirect(303, `/_sandbox?${q.toString()}`);
  };
  const formAction =
    (handler: (b: Record<string, string>) => { portalId: number; contactId?: string; message: string }) =>
    (req: Request, res: Response) => {
      const b = Object.fromEntries(Object.entries(body(req)).map(([k, v]) => [k, String(v).trim()]));
      const portalId = Number(b.portalId);
      try {
        const r = handler(b);
        back(res, r.portalId, r.contactId, r.message);
      } catch (e) {
        back(res, portalId, b.contactId || undefined, `Error: ${(e as Error).message}`);
      }
    };

  router.post(
    '/_sandbox/form/edit-contact',
    form,
    formAction((b) => {
      const props: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(b)) if (k.startsWith('prop_')) props[k.slice(5)] = v === '' ? null : v;
      if (b.newName && b.newValue !== undefined) props[b.newName] = b.newValue;
      const c = deps.data.updateContact(Number(b.portalId), b.contactId, props);
      return { portalId: Number(b.portalId), contactId: c.id, message: `Contact ${c.id} saved.` };
    }),
  );
  router.post(
    '/_sandbox/form/add-ticket',
    form,
    formAction((b) => {
      const t = deps.data.createTicket(
        Number(b.portalId),
        {
          subject: b.subject || 'New ticket',
          content: b.content || null,
          hs_ticket_category: b.category || null,
          hs_ticket_priority: b.priority || null,
          hs_pipeline: '0',
          hs_pipeline_stage: '1',
        },
        [b.contactId],
      );
      return { portalId: Number(b.portalId), contactId: b.contactId, message: `Ticket ${t.id} added to contact ${b.contactId}.` };
    }),
  );
  router.post(
    '/_sandbox/form/merge',
    form,
    formAction((b) => {
      const c = deps.data.mergeContacts(Number(b.portalId), b.primaryId, b.mergedId);
      return { portalId: Number(b.portalId), contactId: c.id, message: `Contact ${b.mergedId} merged into ${c.id}.` };
    }),
  );
  router.post(
    '/_sandbox/form/delete',
    form,
    formAction((b) => {
      if (b.mode === 'privacy') deps.data.privacyDelete(Number(b.portalId), b.contactId);
      else deps.data.deleteContact(Number(b.portalId), b.contactId);
      return {
        portalId: Number(b.portalId),
        message: `Contact ${b.contactId} ${b.mode === 'privacy' ? 'permanently deleted (GDPR)' : 'deleted'}.`,
      };
    }),
  );

  router.get('/_sandbox', (req, res) => {
    const stores = [...deps.stores.values()];
    const portalId = Number(req.query.portal ?? stores[0]?.portalId);
    const store = deps.stores.get(portalId) ?? stores[0];
    const contactId = typeof req.query.contact === 'string' && req.query.contact !== '' ? req.query.contact : store ? String(1001) : '';
    const message = typeof req.query.message === 'string' ? req.query.message : '';
    const contact = store ? store.get('contacts', contactId) : undefined;
    const h = escapeHtml;
    const portalOptions = stores
      .map(
        (s) =>
          `<option value="${s.portalId}"${s === store ? ' selected' : ''}>${s.portalId} (${h(s.hubDomain)}, ${s.base.contacts} contacts)</option>`,
      )
      .join('');
    const editable = store ? [...store.properties.contacts.values()].filter((d) => !d.modificationMetadata.readOnlyValue) : [];
    const rows = contact
      ? editable
          .map(
            (d) => `<tr><th><label for="p_${h(d.name)}">${h(d.label)}</label><br><code>${h(d.name)}</code></th>
<td><input id="p_${h(d.name)}" name="prop_${h(d.name)}" value="${h(contact.properties[d.name] ?? '')}"></td></tr>`,
          )
          .join('')
      : '';
    const readOnly = contact
      ? Object.entries(contact.properties)
          .filter(([k]) => !editable.some((d) => d.name === k))
          .map(([k, v]) => `<tr><th><code>${h(k)}</code></th><td>${h(v ?? '')}</td></tr>`)
          .join('')
      : '';
    const tickets =
      contact && store
        ? store
            .ticketIdsOfContact(contact.id)
            .map((tid) => {
              const t = store.get('tickets', tid)!;
              return `<li>#${h(tid)} ${h(t.properties.subject ?? '')} <small>${h(t.properties.hs_ticket_category ?? '')}, ${h(t.properties.hs_ticket_priority ?? '')}, ${h(t.properties.createdate ?? '')}</small></li>`;
            })
            .join('')
        : '';
    const deliveries = deps.webhooks
      .deliveries()
      .slice(-10)
      .reverse()
      .map(
        (d) =>
          `<li>batch ${d.batchId} attempt ${d.attemptNumber}: ${d.events.length} events, ${d.ok ? 'ok' : 'failed'} (${d.status ?? h(d.error ?? '')})</li>`,
      )
      .join('');
    const pidField = store ? `<input type="hidden" name="portalId" value="${store.portalId}">` : '';
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox portal</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;color:#33475b}
section{border:1px solid #cbd6e2;border-radius:6px;padding:1rem;margin:1rem 0}th{text-align:left;font-weight:normal;padding-right:1rem}
input,select{padding:.25rem}.msg{background:#e5f8f6;padding:.5rem 1rem}</style></head><body>
<h1>Sandbox HubSpot portal</h1>
${message ? `<p class="msg" role="status">${h(message)}</p>` : ''}
<form method="get" action="/_sandbox"><label>Portal <select name="portal">${portalOptions}</select></label>
<label>Contact ID <input name="contact" value="${h(contactId)}" size="10"></label> <button>Open</button></form>
<section><h2>Contact ${h(contactId)}</h2>
${
  contact
    ? `<form method="post" action="/_sandbox/form/edit-contact">${pidField}<input type="hidden" name="contactId" value="${h(contact.id)}">
<table>${rows}</table><p><button>Save contact</button></p></form>
<details><summary>Read-only properties</summary><table>${readOnly}</table></details>
<h3>Tickets</h3><ul>${tickets || '<li>none</li>'}</ul>
<form method="post" action="/_sandbox/form/delete">${pidField}<input type="hidden" name="contactId" value="${h(contact.id)}">
<button name="mode" value="delete">Delete contact</button> <button name="mode" value="privacy">GDPR-delete contact</button></form>`
    : '<p>No such contact in this portal (it may have been deleted or merged).</p>'
}</section>
<section><h2>Add a ticket</h2><form method="post" action="/_sandbox/form/add-ticket">${pidField}
<label>Contact ID <input name="contactId" value="${h(contactId)}" size="10"></label>
<label>Subject <input name="subject" value="Help with setup"></label>
<label>Category <select name="category">${['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY', 'ONBOARDING'].map((c) => `<option>${c}</option>`).join('')}</select></label>
<label>Priority <select name="priority">${['LOW', 'MEDIUM', 'HIGH', 'URGENT'].map((c) => `<option>${c}</option>`).join('')}</select></label>
<label>Description <input name="content"></label> <button>Add ticket</button></form></section>
<section><h2>Merge two contacts</h2><form method="post" action="/_sandbox/form/merge">${pidField}
<label>Keep (primary) <input name="primaryId" value="${h(contactId)}" size="10"></label>
<label>Merge in <input name="mergedId" size="10"></label> <button>Merge</button></form></section>
<section><h2>HubSpot Marketplace</h2><p>Install the app the way a customer does from its Marketplace listing:
HubSpot approves the install itself and sends the browser to the app's install URL with a code and a return URL.</p>
<form method="post" action="${MARKETPLACE_APPROVE_PATH}">${store ? `<input type="hidden" name="portal_id" value="${store.portalId}">` : ''}
<button name="install" value="marketplace">Install from Marketplace</button></form></section>
<section><h2>Recent webhook deliveries</h2><ul>${deliveries || '<li>none yet</li>'}</ul></section>
</body></html>`);
  });

  return router;
}

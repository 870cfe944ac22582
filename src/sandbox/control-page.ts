import express, { type Request, type Response, type Router } from 'express';
import type { PortalStore } from './portal-store';
import type { SandboxDataControl } from './sandbox-data-control';
import type { WebhookDispatcher } from './webhook-dispatcher';
import { MARKETPLACE_APPROVE_PATH } from './oauth-install-pages';
import { escapeHtml } from '../platform/html';

/**
 * The sandbox's control page at /_sandbox: plain HTML (no scripts, no external hosts) where a
 * person edits the portal. Each form posts, changes the portal, and redirects back with a message.
 */

export interface ControlPageDeps {
  stores: ReadonlyMap<number, PortalStore>;
  data: SandboxDataControl;
  webhooks: WebhookDispatcher;
}

export function createControlPage(deps: ControlPageDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
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

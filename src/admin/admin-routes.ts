import type { AccountsService } from './accounts-service';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { PortalId } from '../crm/model';
import type { AuditStore } from '../audit/audit-store';
import type { SurveyQuote } from '../crm/crm-store';
import { portalOf, principalOf } from '../http/portal-access';
import { parseOrThrow } from '../http/validate';
import type { PortalStore } from '../install/portal-store';
import type { Clock } from '../platform/clock';
import type { ContactPersonaService } from '../personas/contact-persona-service';
import type { RuleSetAdminService } from '../personas/rule-set-admin-service';
import type { AdminSessions } from './admin-sessions';
import type { DashboardService } from './dashboard-service';
import { contentMatrix, galleryPersonas } from './persona-gallery';
import type { ShareLinks } from './share-links';

export interface AdminRoutesDeps {
  readonly guard: RequestHandler;
  readonly sessions: AdminSessions;
  readonly ruleSetAdmin: RuleSetAdminService;
  readonly contacts: ContactPersonaService;
  readonly dashboard: DashboardService;
  readonly portals: Pick<PortalStore, 'get' | 'list'>;
  /** The latest validation verdict per persona id, shown on each gallery sheet. */
  readonly verdicts?: (portalId: PortalId) => Promise<ReadonlyMap<string, GalleryVerdict>>;
  /** Newest survey comments of a persona's contacts, for "What they say" on its sheet. */
  readonly whatTheySay?: (portalId: PortalId, personaId: string) => Promise<readonly SurveyQuote[]>;
  readonly audit: AuditStore;
  readonly shareLinks: ShareLinks;
  readonly clock: Clock;
  readonly appBaseUrl: string;
  /** Adds to each preview how many companies would gain or lose buying-committee coverage. */
  readonly accounts?: Pick<AccountsService, 'impact'>;
}

const ruleSetBody = z.object({ ruleSet: z.unknown(), note: z.string().max(500).nullish() });
/** `confirmAffected`: the number of contacts leaving values HubSpot lists or workflows use, as the admin typed it. */
const publishBody = ruleSetBody.extend({ confirmAffected: z.number().int().min(0).optional() });
const rollbackBody = z.object({ confirmAffected: z.number().int().min(0).optional() });
/** A hypothesis verdict as the gallery shows it. */
export interface GalleryVerdict {
  readonly status: string;
  readonly words: string;
  readonly date: string;
  readonly pilot: string | null;
  readonly explanation: string;
}

const overrideBody = z.object({ personaId: z.string().min(1).max(100) });
const positiveInt = z.coerce.number().int().positive();

/** The admin JSON API under /api/admin: rule sets, contacts, gallery, content matrix, dashboard. */
export function createAdminRoutes(deps: AdminRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router({ mergeParams: true });
  router.use('/api/admin', deps.guard, api);

  api.get('/session', async (req, res) => {
    const principal = principalOf(req);
    const portals = principal.portals === 'all' ? (await deps.portals.list()).map((p) => p.portalId) : [...principal.portals];
    const details = await Promise.all(
      portals.map(async (id) => ({ portalId: id, hubDomain: (await deps.portals.get(id))?.hubDomain ?? null })),
    );
    res.json({
      actor: principal.actor,
      via: principal.csrfToken ? 'session' : 'token',
      csrfToken: principal.csrfToken ?? null,
      portals: details,
    });
  });

  api.delete('/session', async (req, res) => {
    await deps.sessions.end(req, res);
    res.status(204).end();
  });

  // Rule sets
  api.get('/portals/:portalId/rule-sets/live', async (req, res) => {
    const { version, ruleSet } = await deps.ruleSetAdmin.live(portalOf(req));
    res.json({ version, ruleSet });
  });

  api.get('/portals/:portalId/rule-sets/versions', async (req, res) => {
    const versions = await deps.ruleSetAdmin.versions(portalOf(req));
    res.json({ versions: versions.map(({ body: _body, ...meta }) => meta) });
  });

  api.get('/portals/:portalId/rule-sets/versions/:version', async (req, res) => {
    const portalId = portalOf(req);
    res.json(await deps.ruleSetAdmin.version(portalId, parseOrThrow(positiveInt, req.params.version, 'version')));
  });

  api.post('/portals/:portalId/rule-sets/validate', async (req, res) => {
    portalOf(req);
    const { ruleSet } = parseOrThrow(ruleSetBody, req.body, 'request');
    const result = deps.ruleSetAdmin.validate(ruleSet);
    res.json(result.ok ? { ok: true, errors: [] } : { ok: false, errors: result.errors });
  });

  api.post('/portals/:portalId/rule-sets/preview', async (req, res) => {
    const portalId = portalOf(req);
    const { ruleSet } = parseOrThrow(ruleSetBody, req.body, 'request');
    if (!deps.accounts) {
      res.json(await deps.ruleSetAdmin.preview(portalId, ruleSet));
      return;
    }
    const moved = new Map<string, string>();
    const preview = await deps.ruleSetAdmin.preview(portalId, ruleSet, { onMove: (contactId, _from, to) => moved.set(contactId, to) });
    const draft = deps.ruleSetAdmin.validate(ruleSet);
    const live = await deps.ruleSetAdmin.live(portalId);
    // The preview has validated the draft already; a failure here would have thrown above.
    const companies = draft.ok ? await deps.accounts.impact(portalId, { live: live.ruleSet, draft: draft.ruleSet }, moved) : null;
    res.json({ ...preview, companies });
  });

  api.post('/portals/:portalId/rule-sets/publish', async (req, res) => {
    const portalId = portalOf(req);
    const { ruleSet, note, confirmAffected } = parseOrThrow(publishBody, req.body, 'request');
    const result = await deps.ruleSetAdmin.publish(portalId, ruleSet, {
      actor: principalOf(req).actor,
      note: note ?? null,
      confirmAffected,
    });
    // The rescore runs as a job; the dashboard follows its run.
    res.status(201).json({ version: { ...result.version, body: undefined }, changes: result.changes, rescore: 'queued' });
  });

  api.post('/portals/:portalId/rule-sets/rollback/:version', async (req, res) => {
    const portalId = portalOf(req);
    const version = parseOrThrow(positiveInt, req.params.version, 'version');
    const { confirmAffected } = parseOrThrow(rollbackBody, req.body ?? {}, 'request');
    const result = await deps.ruleSetAdmin.rollback(portalId, version, { actor: principalOf(req).actor, confirmAffected });
    res.status(201).json({ version: { ...result.version, body: undefined }, changes: result.changes, rescore: 'queued' });
  });

  api.get('/portals/:portalId/audit', async (req, res) => {
    const portalId = portalOf(req);
    const query = parseOrThrow(
      z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: positiveInt.optional() }),
      req.query,
      'query',
    );
    res.json({ entries: await deps.ruleSetAdmin.auditLog(portalId, { limit: query.limit, beforeId: query.before }) });
  });

  // Contacts
  api.get('/portals/:portalId/contacts', async (req, res) => {
    const portalId = portalOf(req);
    const { q } = parseOrThrow(z.object({ q: z.string().trim().max(200).default('') }), req.query, 'query');
    res.json({ contacts: await deps.contacts.search(portalId, q) });
  });

  api.get('/portals/:portalId/contacts/:contactId', async (req, res) => {
    res.json(await deps.contacts.explain(portalOf(req), String(req.params.contactId)));
  });

  api.put('/portals/:portalId/contacts/:contactId/override', async (req, res) => {
    const portalId = portalOf(req);
    const contactId = String(req.params.contactId);
    const { personaId } = parseOrThrow(overrideBody, req.body, 'override');
    const override = await deps.contacts.setOverride(portalId, contactId, personaId, principalOf(req).actor);
    res.json({ contactId, override });
  });

  api.delete('/portals/:portalId/contacts/:contactId/override', async (req, res) => {
    await deps.contacts.clearOverride(portalOf(req), String(req.params.contactId), principalOf(req).actor);
    res.status(204).end();
  });

  // Gallery and content matrix
  api.get('/portals/:portalId/gallery/personas', async (req, res) => {
    const portalId = portalOf(req);
    const live = await deps.ruleSetAdmin.live(portalId);
    const verdicts = (await deps.verdicts?.(portalId).catch(() => undefined)) ?? new Map<string, GalleryVerdict>();
    const quotes = new Map(
      await Promise.all(live.ruleSet.personas.map(async (p) => [p.id, (await deps.whatTheySay?.(portalId, p.id)) ?? []] as const)),
    );
    res.json({
      version: live.version,
      personas: galleryPersonas(live.ruleSet, (id) => deps.shareLinks.avatarQuery(portalId, id)).map((p) => ({
        ...p,
        validation: verdicts.get(p.id) ?? null,
        whatTheySay: (quotes.get(p.id) ?? []).map((q) => ({
          comment: q.comment,
          type: q.type,
          score: q.score,
          date: q.createdAt === null ? null : new Date(q.createdAt).toISOString().slice(0, 10),
        })),
      })),
    });
  });

  api.post('/portals/:portalId/gallery/share', async (req, res) => {
    const portalId = portalOf(req);
    const live = await deps.ruleSetAdmin.live(portalId);
    const now = deps.clock.now();
    const token = deps.shareLinks.issue(portalId, live.version, now);
    await deps.audit.append({
      portalId,
      actor: principalOf(req).actor,
      action: 'share.create',
      target: `gallery:${live.version ?? 'default'}`,
      diff: null,
      at: now,
    });
    res.status(201).json({ url: `${deps.appBaseUrl}/share/personas/${token}`, version: live.version });
  });

  api.post('/portals/:portalId/gallery/share/revoke', async (req, res) => {
    const portalId = portalOf(req);
    const now = deps.clock.now();
    await deps.shareLinks.revokeAll(portalId, now);
    await deps.audit.append({ portalId, actor: principalOf(req).actor, action: 'share.revoke', target: 'gallery', diff: null, at: now });
    res.status(204).end();
  });

  api.get('/portals/:portalId/content-matrix', async (req, res) => {
    const portalId = portalOf(req);
    const live = await deps.ruleSetAdmin.live(portalId);
    res.json({ version: live.version, ...contentMatrix(live.ruleSet) });
  });

  // Dashboard
  api.get('/portals/:portalId/dashboard', async (req, res) => {
    res.json(await deps.dashboard.dashboard(portalOf(req)));
  });

  return router;
}

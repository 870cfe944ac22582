import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { AuditStore } from '../audit/audit-store';
import type { PortalId } from '../crm/model';
import type { ManualOverride } from '../personas/writeback';
import { portalOf, principalOf } from '../http/portal-access';
import { parseOrThrow } from '../http/validate';
import type { PortalStore } from '../install/portal-store';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { AssignmentStore } from '../personas/assignment-store';
import { journeyStages, type RuleSet } from '../personas/engine';
import type { RuleSetAdminService } from '../personas/rule-set-admin-service';
import type { CrmStore } from '../crm/crm-store';
import type { SyncStore } from '../sync/sync-store';
import type { InboxStore } from '../webhook-receiver/inbox-store';

import type { AdminSessions } from './admin-sessions';
import { contentMatrix, galleryPersonas } from './persona-gallery';
import type { ShareLinks } from './share-links';

export interface AdminRoutesDeps {
  readonly guard: RequestHandler;
  readonly sessions: AdminSessions;
  readonly ruleSetAdmin: RuleSetAdminService;
  readonly crm: Pick<CrmStore, 'searchContacts' | 'getContactsWithTickets' | 'counts'>;
  readonly assignments: Pick<AssignmentStore, 'get' | 'getMany' | 'setOverride' | 'distribution'>;
  readonly sync: Pick<SyncStore, 'recentRuns'>;
  readonly inbox: Pick<InboxStore, 'backlog'>;
  readonly portals: Pick<PortalStore, 'get' | 'list'>;
  readonly audit: AuditStore;
  readonly shareLinks: ShareLinks;
  readonly clock: Clock;
  readonly appBaseUrl: string;
  /**
   * Applies an admin's override (null = clear it). Default: only the stored record. Wire the
   * assignment service's version so HubSpot follows: the manual value is written, and a cleared
   * override lets the computed value be written again.
   */
  readonly applyOverride?: (portalId: PortalId, contactId: string, override: ManualOverride | null) => Promise<void>;
}

const ruleSetBody = z.object({ ruleSet: z.unknown(), note: z.string().max(500).nullish() });
const overrideBody = z.object({ personaId: z.string().min(1).max(100) });
const positiveInt = z.coerce.number().int().positive();

function personaNames(ruleSet: RuleSet): Map<string, string> {
  const names = new Map(ruleSet.personas.map((p) => [p.id, p.name] as const));
  names.set(ruleSet.unassigned.id, ruleSet.unassigned.label);
  return names;
}

/** The admin JSON API under /api/admin: rule sets, contacts, gallery, content matrix, dashboard. */
export function createAdminRoutes(deps: AdminRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router({ mergeParams: true });
  const applyOverride = deps.applyOverride ?? ((portalId: PortalId, contactId: string, override: ManualOverride | null) =>
    deps.assignments.setOverride(portalId, contactId, override));
  router.use('/api/admin', deps.guard, api);

  api.get('/session', async (req, res) => {
    const principal = principalOf(req);
    const portals = principal.portals === 'all' ? (await deps.portals.list()).map((p) => p.portalId) : [...principal.portals];
    const details = await Promise.all(portals.map(async (id) => ({ portalId: id, hubDomain: (await deps.portals.get(id))?.hubDomain ?? null })));
    res.json({ actor: principal.actor, via: principal.csrfToken ? 'session' : 'token', csrfToken: principal.csrfToken ?? null, portals: details });
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
    res.json(await deps.ruleSetAdmin.preview(portalId, ruleSet));
  });

  api.post('/portals/:portalId/rule-sets/publish', async (req, res) => {
    const portalId = portalOf(req);
    const { ruleSet, note } = parseOrThrow(ruleSetBody, req.body, 'request');
    const result = await deps.ruleSetAdmin.publish(portalId, ruleSet, { actor: principalOf(req).actor, note: note ?? null });
    res.status(201).json({ version: { ...result.version, body: undefined }, changes: result.changes });
  });

  api.post('/portals/:portalId/rule-sets/rollback/:version', async (req, res) => {
    const portalId = portalOf(req);
    const version = parseOrThrow(positiveInt, req.params.version, 'version');
    const result = await deps.ruleSetAdmin.rollback(portalId, version, { actor: principalOf(req).actor });
    res.status(201).json({ version: { ...result.version, body: undefined }, changes: result.changes });
  });

  api.get('/portals/:portalId/audit', async (req, res) => {
    const portalId = portalOf(req);
    const query = parseOrThrow(z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: positiveInt.optional() }), req.query, 'query');
    res.json({ entries: await deps.ruleSetAdmin.auditLog(portalId, { limit: query.limit, beforeId: query.before }) });
  });

  // Contacts
  api.get('/portals/:portalId/contacts', async (req, res) => {
    const portalId = portalOf(req);
    const { q } = parseOrThrow(z.object({ q: z.string().trim().max(200).default('') }), req.query, 'query');
    const contacts = q === '' ? [] : await deps.crm.searchContacts(portalId, q, 25);
    const assignments = await deps.assignments.getMany(portalId, contacts.map((c) => c.id));
    res.json({
      contacts: contacts.map((c) => {
        const a = assignments.get(c.id);
        return {
          id: c.id, email: c.email,
          name: [c.properties.firstname, c.properties.lastname].filter(Boolean).join(' ') || null,
          jobtitle: c.properties.jobtitle ?? null, company: c.properties.company ?? null,
          personaId: a?.personaId ?? null, overridePersona: a?.override?.persona ?? null,
        };
      }),
    });
  });

  api.get('/portals/:portalId/contacts/:contactId', async (req, res) => {
    const portalId = portalOf(req);
    const contactId = String(req.params.contactId);
    const found = (await deps.crm.getContactsWithTickets(portalId, [contactId])).get(contactId);
    if (!found) throw new AppError('not_found', `Contact ${contactId} is not stored for this portal`);
    const live = await deps.ruleSetAdmin.live(portalId);
    const evaluation = live.compiled.explainAll({ properties: found.contact.properties, tickets: found.tickets }, deps.clock.now());
    const stored = await deps.assignments.get(portalId, contactId);
    res.json({
      contact: { id: found.contact.id, email: found.contact.email, properties: found.contact.properties, tickets: found.tickets.length },
      ruleSetVersion: live.version,
      evaluation,
      stored: stored ? { personaId: stored.personaId, score: stored.score, computedAt: stored.computedAt, ruleSetVersion: stored.ruleSetVersion, written: stored.written, override: stored.override } : null,
      personas: [...personaNames(live.ruleSet)].map(([id, name]) => ({ id, name })),
    });
  });

  api.put('/portals/:portalId/contacts/:contactId/override', async (req, res) => {
    const portalId = portalOf(req);
    const contactId = String(req.params.contactId);
    const { personaId } = parseOrThrow(overrideBody, req.body, 'override');
    const live = await deps.ruleSetAdmin.live(portalId);
    if (!personaNames(live.ruleSet).has(personaId)) {
      throw new AppError('validation_failed', `Unknown persona "${personaId}"`, { details: [{ path: 'personaId', message: 'not a persona of the live rule set' }] });
    }
    if (!(await deps.assignments.get(portalId, contactId))) throw new AppError('not_found', `Contact ${contactId} has no assignment yet`);
    const actor = principalOf(req).actor;
    const now = deps.clock.now();
    await applyOverride(portalId, contactId, { persona: personaId, by: actor, at: now });
    await deps.audit.append({ portalId, actor, action: 'override.set', target: `contact:${contactId}`, diff: { personaId }, at: now });
    res.json({ contactId, override: { persona: personaId, by: actor, at: now } });
  });

  api.delete('/portals/:portalId/contacts/:contactId/override', async (req, res) => {
    const portalId = portalOf(req);
    const contactId = String(req.params.contactId);
    const actor = principalOf(req).actor;
    const now = deps.clock.now();
    await applyOverride(portalId, contactId, null);
    await deps.audit.append({ portalId, actor, action: 'override.clear', target: `contact:${contactId}`, diff: null, at: now });
    res.status(204).end();
  });

  // Gallery and content matrix
  api.get('/portals/:portalId/gallery/personas', async (req, res) => {
    const portalId = portalOf(req);
    const live = await deps.ruleSetAdmin.live(portalId);
    res.json({ version: live.version, personas: galleryPersonas(live.ruleSet, (id) => deps.shareLinks.avatarQuery(portalId, id)) });
  });

  api.post('/portals/:portalId/gallery/share', async (req, res) => {
    const portalId = portalOf(req);
    const live = await deps.ruleSetAdmin.live(portalId);
    const now = deps.clock.now();
    const token = deps.shareLinks.issue(portalId, live.version, now);
    await deps.audit.append({ portalId, actor: principalOf(req).actor, action: 'share.create', target: `gallery:${live.version ?? 'default'}`, diff: null, at: now });
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
    const portalId = portalOf(req);
    const [live, distribution, runs, backlog, portal, counts] = await Promise.all([
      deps.ruleSetAdmin.live(portalId), deps.assignments.distribution(portalId), deps.sync.recentRuns(portalId, 10),
      deps.inbox.backlog(portalId), deps.portals.get(portalId), deps.crm.counts(portalId),
    ]);
    const names = personaNames(live.ruleSet);
    const total = Object.values(distribution).reduce((a, b) => a + b, 0);
    const unassigned = distribution[live.ruleSet.unassigned.id] ?? 0;
    const order = [...live.ruleSet.personas.map((p) => p.id), live.ruleSet.unassigned.id];
    const extra = Object.keys(distribution).filter((id) => !order.includes(id));
    const recentErrors = [
      ...runs.filter((r) => r.error).map((r) => ({ at: r.finishedAt ?? r.startedAt, source: `${r.kind} sync`, message: r.error! })),
      ...(portal?.lastError ? [{ at: portal.updatedAt, source: 'HubSpot connection', message: portal.lastError }] : []),
    ].sort((a, b) => b.at - a.at).slice(0, 10);
    res.json({
      portal: portal ? { portalId, hubDomain: portal.hubDomain, state: portal.state } : { portalId, hubDomain: null, state: 'unknown' },
      liveVersion: live.version,
      total,
      unassigned,
      unassignedShare: total === 0 ? 0 : unassigned / total,
      distribution: [...order, ...extra].map((id) => ({
        personaId: id, name: names.get(id) ?? id, count: distribution[id] ?? 0,
        kind: live.ruleSet.personas.find((p) => p.id === id)?.kind ?? (id === live.ruleSet.unassigned.id ? 'unassigned' : 'retired'),
      })),
      counts,
      sync: { current: runs.find((r) => r.status === 'running') ?? null, recent: runs },
      backlog,
      recentErrors,
      stages: journeyStages,
    });
  });

  return router;
}

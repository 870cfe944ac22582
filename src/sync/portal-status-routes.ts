import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { PortalId } from '../crm/model';
import { parseOrThrow } from '../http/validate';
import type { PortalStore } from '../install/portal-store';
import type { AssignmentStore } from '../personas/assignment-store';
import type { RuleSetService } from '../personas/rule-set-service';
import { AppError } from '../platform/errors';
import type { Clock } from '../platform/clock';
import type { CrmStore } from '../crm/crm-store';
import type { CurrentRun, StreamProgress } from './sync-runs';
import type { SyncRun, SyncStore } from './sync-store';
import { assertPortalAccess, principalOf } from '../http/portal-access';

export interface PortalStatusRoutesDeps {
  readonly guard: RequestHandler;
  readonly portals: PortalStore;
  readonly crm: Pick<CrmStore, 'counts'>;
  readonly sync: Pick<SyncStore, 'recentRuns' | 'apiUsageSince'>;
  readonly assignments: Pick<AssignmentStore, 'distribution' | 'countPendingWrites'>;
  readonly ruleSets: Pick<RuleSetService, 'live'>;
  readonly currentRun: (portalId: PortalId) => CurrentRun | null;
  /** The full sync's figures: scored, written, remaining and the time to go (here or in another process). */
  readonly streamProgress: (portalId: PortalId) => Promise<StreamProgress>;
  /** Writes buffered API usage counters so the last hour is complete. */
  readonly flushUsage: () => Promise<void>;
  readonly clock: Clock;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const params = z.object({ portalId: z.coerce.number().int().positive() });

function runJson(r: SyncRun) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    progress: r.progress,
    error: r.error,
  };
}

/**
 * GET /api/admin/portals and GET /api/admin/portals/:portalId/status. Both routes and their JSON
 * field names are a public contract, documented in docs/api.md: add fields, never rename.
 */
export function createPortalStatusRoutes(deps: PortalStatusRoutesDeps): Router {
  const router = express.Router();

  router.get('/api/admin/portals', deps.guard, async (req, res) => {
    const principal = principalOf(req);
    const portals = (await deps.portals.list()).filter((p) => principal.portals === 'all' || principal.portals.includes(p.portalId));
    const out = [];
    for (const p of portals) {
      const lastSync = (await deps.sync.recentRuns(p.portalId, 20)).find((r) => r.status === 'succeeded' && r.kind !== 'rescore');
      out.push({
        portalId: p.portalId,
        hubDomain: p.hubDomain,
        installState: p.state,
        installedAt: iso(p.installedAt),
        lastSyncAt: iso(lastSync?.finishedAt ?? null),
      });
    }
    res.json({ portals: out });
  });

  router.get('/api/admin/portals/:portalId/status', deps.guard, async (req, res) => {
    const { portalId } = parseOrThrow(params, req.params, 'portal id');
    assertPortalAccess(principalOf(req), portalId);
    const portal = await deps.portals.get(portalId);
    if (!portal) throw new AppError('not_found', `Portal ${portalId} is not installed`);
    await deps.flushUsage();
    const [runs, counts, distribution, pendingWrites] = await Promise.all([
      deps.sync.recentRuns(portalId, 10),
      deps.crm.counts(portalId),
      deps.assignments.distribution(portalId),
      deps.assignments.countPendingWrites(portalId),
    ]);
    const unassignedId = await deps.ruleSets.live(portalId).then(
      (l) => l.ruleSet.unassigned.id,
      () => 'unassigned',
    );
    const { [unassignedId]: unassigned = 0, ...assigned } = distribution;
    // A run in another process (a worker) is known from its row, which it updates as it goes.
    const stored = runs.find((r) => r.status === 'running');
    const current =
      deps.currentRun(portalId) ?? (stored ? { kind: stored.kind, startedAt: stored.startedAt, progress: stored.progress } : null);
    const stream = await deps.streamProgress(portalId);
    const usage = await deps.sync.apiUsageSince(portalId, Math.floor(deps.clock.now() / 60_000) - 59);
    const lastFailed = runs.find((r) => r.status === 'failed' || r.status === 'interrupted');
    const lastSucceeded = runs.find((r) => r.status === 'succeeded');
    const syncError =
      lastFailed && (!lastSucceeded || lastFailed.id > lastSucceeded.id) ? lastFailed.error : (lastSucceeded?.error ?? null);
    res.json({
      portalId,
      hubDomain: portal.hubDomain,
      installState: portal.state,
      needsReauth: portal.state === 'needs_reauth',
      lastError: portal.lastError,
      sync: {
        state: current || stream.state === 'running' ? 'running' : 'idle',
        currentRun: current ? { kind: current.kind, startedAt: iso(current.startedAt), progress: current.progress } : null,
        fullSync: { state: stream.state, startedAt: iso(stream.startedAt), ...(stream.figures ?? {}) },
        lastRuns: runs.map(runJson),
        lastError: syncError,
      },
      counts,
      personas: { distribution: assigned, unassigned, pendingWrites },
      api: { lastHour: usage },
    });
  });

  return router;
}

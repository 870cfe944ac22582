import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '../http/validate';
import { portalOf } from '../http/portal-access';
import { AppError } from '../platform/errors';
import type { DiscoveryRuns } from './discovery-runs';
import type { InsightsReport } from './insights-reports';
import type { InsightsService } from './insights-service';
import { renderReport } from './render-report';

export interface InsightsRoutesDeps {
  /** The admin guard (bearer token or session with CSRF), as for every /api/admin route. */
  readonly guard: RequestHandler;
  readonly insights: Pick<
    InsightsService,
    | 'discover'
    | 'importPilot'
    | 'validate'
    | 'review'
    | 'listReports'
    | 'getReport'
    | 'previewDraft'
    | 'draftFromDiscovery'
    | 'shareHistory'
  >;
  /** Discovery as a background job: started here, polled by the page. */
  readonly discoveryRuns: Pick<DiscoveryRuns, 'start' | 'get' | 'latest'>;
}

const reportKinds = z.enum(['discovery', 'validation', 'review-nightly', 'review-quarterly']);
const listQuery = z.object({ kind: reportKinds.optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
const reviewBody = z.object({ kind: z.enum(['nightly', 'quarterly']).default('quarterly') });
const pilotJsonBody = z.object({ fileName: z.string().trim().min(1).max(200), content: z.string().min(1) });
const draftBody = z.object({ reportId: z.string().min(1).max(100), clusters: z.array(z.number().int().min(0)).min(1).max(20) });
const fileNameQuery = z.object({ fileName: z.string().trim().min(1).max(200).default('pilot.csv') });

/**
 * /api/admin/portals/:portalId/insights/...: run discovery, import a pilot (CSV body as text/csv,
 * or JSON { fileName, content }), validate, review, list and read stored reports, and turn
 * discovery suggestions into a previewed draft rule set.
 */
export function createInsightsRoutes(deps: InsightsRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router({ mergeParams: true });
  router.use('/api/admin/portals/:portalId/insights', deps.guard, api);

  api.get('/reports', async (req, res) => {
    const portalId = portalOf(req);
    const query = parseOrThrow(listQuery, req.query, 'query');
    const reports = await deps.insights.listReports(portalId, query);
    // The admin page reads createdAt as epoch ms and links `url`.
    res.json({
      reports: reports.map((r) => ({
        ...r,
        createdAt: Date.parse(r.createdAt),
        url: `/api/admin/portals/${portalId}/insights/reports/${encodeURIComponent(r.id)}/text`,
      })),
    });
  });

  api.get('/reports/:reportId', async (req, res) => {
    const portalId = portalOf(req);
    res.json(await deps.insights.getReport(portalId, String(req.params.reportId)));
  });

  api.get('/reports/:reportId/text', async (req, res) => {
    const portalId = portalOf(req);
    const stored = await deps.insights.getReport(portalId, String(req.params.reportId));
    res.type('text/plain; charset=utf-8').send(renderReport(stored.body as InsightsReport));
  });

  api.get('/share-history', async (req, res) => {
    const portalId = portalOf(req);
    res.json(await deps.insights.shareHistory(portalId));
  });

  // Answers at once: discovery runs as a job whose progress the page polls at `url`.
  api.post('/discover', async (req, res) => {
    const portalId = portalOf(req);
    const run = await deps.discoveryRuns.start(portalId);
    const url = `/api/admin/portals/${portalId}/insights/discover/runs/${run.id}`;
    res
      .status(202)
      .location(url)
      .json({ ...run, url });
  });

  api.get('/discover/runs/latest', async (req, res) => {
    res.json({ run: await deps.discoveryRuns.latest(portalOf(req)) });
  });

  api.get('/discover/runs/:runId', async (req, res) => {
    res.json(await deps.discoveryRuns.get(portalOf(req), String(req.params.runId)));
  });

  api.post('/pilots', async (req, res) => {
    const portalId = portalOf(req);
    let fileName: string;
    let content: string;
    if (typeof req.body === 'string') {
      fileName = parseOrThrow(fileNameQuery, req.query, 'query').fileName;
      content = req.body;
    } else {
      ({ fileName, content } = parseOrThrow(pilotJsonBody, req.body ?? {}, 'pilot upload'));
    }
    const result = await deps.insights.importPilot(portalId, fileName, content);
    if (!result.ok) {
      throw new AppError('validation_failed', `${fileName} was not imported; nothing was changed`, {
        details: [
          ...result.errors.map((error) => ({ path: `line ${error.line}`, message: error.message })),
          ...(result.truncated > 0 ? [{ message: `and ${result.truncated} more errors` }] : []),
        ],
      });
    }
    res.status(201).json(result);
  });

  api.post('/validate', async (req, res) => {
    const portalId = portalOf(req);
    res.status(201).json(await deps.insights.validate(portalId));
  });

  api.post('/review', async (req, res) => {
    const portalId = portalOf(req);
    const { kind } = parseOrThrow(reviewBody, req.body ?? {}, 'review request');
    res.status(201).json(await deps.insights.review(portalId, kind));
  });

  api.post('/drafts', async (req, res) => {
    const portalId = portalOf(req);
    const { reportId, clusters } = parseOrThrow(draftBody, req.body ?? {}, 'draft request');
    res.json(await deps.insights.draftFromDiscovery(portalId, reportId, clusters));
  });

  api.post('/preview', async (req, res) => {
    const portalId = portalOf(req);
    const body = parseOrThrow(z.object({ ruleSet: z.unknown() }), req.body ?? {}, 'preview request');
    res.json(await deps.insights.previewDraft(portalId, body.ruleSet));
  });

  return router;
}

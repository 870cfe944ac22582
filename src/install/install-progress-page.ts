import express, { type Router } from 'express';
import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import { escapeHtml } from '../platform/html';
import type { InstallProgress, InstallProgressLinks } from './install-progress';

export interface InstallProgressSource {
  readonly links: InstallProgressLinks;
  read(portalId: PortalId): Promise<InstallProgress>;
}

export const INSTALL_PROGRESS_PATH = '/oauth/install/progress';

/**
 * GET /oauth/install/progress/:token: the first sync's figures for the install page to poll. The
 * token is the page's own signed link; anything else is a 404 that says nothing about the portal.
 */
export function createInstallProgressRoutes(deps: { source: InstallProgressSource; clock: Clock }): Router {
  const router = express.Router();
  router.get(`${INSTALL_PROGRESS_PATH}/:token`, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const portalId = deps.source.links.verify(String(req.params.token), deps.clock.now());
    if (portalId === null) {
      res.status(404).json({
        error: { code: 'not_found', message: 'This progress link is unknown or has expired; the admin page shows the same figures.' },
      });
      return;
    }
    const progress = await deps.source.read(portalId);
    res.json({ ...progress, line: describeProgress(progress) });
  });
  return router;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtDuration(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `about ${(seconds / 3600).toFixed(1)} hours`;
}

/** One line an admin reads: what is done, what is left, and when it ends. */
export function describeProgress(p: InstallProgress): string {
  if (p.state === 'starting') return 'Starting the first sync…';
  if (p.state === 'done') return `Done: ${fmtInt(p.scored)} contacts scored, ${fmtInt(p.written)} personas written to HubSpot.`;
  const of = p.total === null ? '' : ` of ${fmtInt(p.total)}`;
  const left = p.remaining === null ? '' : ` · ${fmtInt(p.remaining)} remaining`;
  const eta = p.etaSeconds === null ? '' : ` · ${fmtDuration(p.etaSeconds)} left`;
  const line = `${fmtInt(p.scored)}${of} contacts scored · ${fmtInt(p.written)} personas written to HubSpot${left}${eta}`;
  return p.state === 'stopped' ? `Paused at ${line}. It resumes on its own from where it stopped.` : line;
}

/**
 * The live part of the install's "what happens next" page: the figures now, then refreshed every
 * two seconds from the signed progress link (which sends the line worded here) until the sync is done.
 */
export function progressSection(token: string, initial: InstallProgress): string {
  const url = `${INSTALL_PROGRESS_PATH}/${encodeURIComponent(token)}`;
  const ratio = initial.total ? Math.min(1, initial.scored / initial.total) : 0;
  return `<section aria-labelledby="progress-h">
<h2 id="progress-h">First sync</h2>
<progress id="sync-bar" max="1" value="${ratio.toFixed(4)}" style="width:100%"></progress>
<p id="sync-line" role="status" aria-live="polite">${escapeHtml(describeProgress(initial))}</p>
</section>
<script>
(function () {
  var url = ${JSON.stringify(url)};
  var line = document.getElementById('sync-line');
  var bar = document.getElementById('sync-bar');
  function tick() {
    fetch(url, { cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (p) {
      if (!p) return;
      line.textContent = p.line;
      if (p.total) bar.value = Math.min(1, p.scored / p.total);
      if (p.state === 'done') bar.value = 1;
      else setTimeout(tick, 2000);
    }, function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 1000);
})();
</script>`;
}

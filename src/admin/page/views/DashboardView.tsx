/// <reference lib="dom" />
import { useEffect } from 'react';
import { api } from '../lib/api';
import { PageHeading, Show, useAdmin, useLoad } from '../app/context';
import { BarChart } from '../charts/BarChart';
import { fmtAgo, fmtInt, fmtPct } from '../lib/format';
import type { Dashboard, SyncRun } from '../lib/types';

export function DashboardView() {
  const { base } = useAdmin();
  const [loaded, reload] = useLoad(async () => {
    const [dashboard, queue] = await Promise.all([
      api<Dashboard>('GET', `${base}/dashboard`),
      api<{ size: number }>('GET', `${base}/review-queue?limit=0`),
    ]);
    return { ...dashboard, reviewQueue: queue.size };
  }, [base]);
  // While a sync runs, follow its progress; leaving the view unmounts it and stops the timer.
  const running = loaded.status === 'ready' && loaded.data.sync.current !== null;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => void reload(), 3000);
    return () => window.clearInterval(timer);
  }, [running, reload]);
  return <Show loaded={loaded}>{(d) => <DashboardBody d={d} />}</Show>;
}

function DashboardBody({ d }: { d: Dashboard & { reviewQueue: number } }) {
  const run = d.sync.current ?? d.sync.recent[0] ?? null;
  return (
    <>
      <PageHeading
        title="Dashboard"
        sub={`${d.portal.hubDomain ?? `Portal ${d.portal.portalId}`} · rule set ${d.liveVersion === null ? 'default (not yet published)' : `version ${d.liveVersion}`}`}
      />
      {d.accountData && d.accountData.notes.length > 0 ? (
        <section className="card" aria-labelledby="access-h" id="account-data">
          <h2 id="access-h">What the rules can read</h2>
          <ul className="warn-list">
            {d.accountData.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="stats" aria-label="Key figures">
        <Stat label="Contacts scored" value={fmtInt(d.total)} note={`${fmtInt(d.counts.contacts)} contacts stored`} />
        <Stat
          label="Assigned"
          value={fmtPct(d.total ? 1 - d.unassignedShare : 0)}
          note={`${fmtInt(d.total - d.unassigned)} with a persona`}
        />
        <Stat
          label="Unassigned"
          value={fmtPct(d.unassignedShare)}
          note={`${fmtInt(d.unassigned)} match no persona`}
          tone={d.unassignedShare > 0.3 ? 'warn' : ''}
        />
        <Stat
          label="Webhook backlog"
          value={fmtInt(d.backlog.pending + d.backlog.processing)}
          note={
            d.backlog.failed
              ? `${fmtInt(d.backlog.failed)} failed`
              : d.backlog.oldestPendingAt
                ? `oldest ${fmtAgo(d.backlog.oldestPendingAt)}`
                : 'all caught up'
          }
          tone={d.backlog.failed ? 'warn' : ''}
        />
        <a className="stat-link" href="#/queue" id="queue-size">
          <Stat
            label="Review queue"
            value={fmtInt(d.reviewQueue)}
            note={d.reviewQueue ? 'close calls to confirm' : 'nothing to review'}
            tone={d.reviewQueue ? 'warn' : ''}
          />
        </a>
      </section>
      <div className="cols">
        <section className="card span2" aria-labelledby="dist-h">
          <h2 id="dist-h">Persona distribution</h2>
          {d.total === 0 ? (
            <p className="empty">No contacts scored yet. They appear here after the first sync.</p>
          ) : (
            <BarChart
              title="Contacts per persona"
              rows={d.distribution
                .filter((x) => x.count > 0 || x.kind !== 'retired')
                .map((x) => ({ id: x.personaId, label: x.name, value: x.count, kind: x.kind }))}
            />
          )}
        </section>
        <section className="card" aria-labelledby="sync-h">
          <h2 id="sync-h">Sync</h2>
          {run ? <SyncStatus run={run} recent={d.sync.recent} /> : <p className="empty">No sync has run yet.</p>}
          <h3>Recent errors</h3>
          {d.recentErrors.length === 0 ? (
            <p className="ok-text">No recent errors.</p>
          ) : (
            <ul className="errors">
              {d.recentErrors.map((e, i) => (
                <li key={i}>
                  <strong>{e.source}</strong>
                  {` · ${fmtAgo(e.at)}`}
                  <div className="muted">{e.message}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function SyncStatus({ run, recent }: { run: SyncRun; recent: SyncRun[] }) {
  const progress = run.progress.total ? Math.min(1, run.progress.done / run.progress.total) : null;
  return (
    <div>
      <p>
        <span className={`badge ${run.status}`}>{run.status}</span>
        {` ${run.kind} sync${run.progress.phase ? ` · ${run.progress.phase}` : ''}`}
      </p>
      {progress !== null ? (
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(progress * 100)}
          aria-label="Sync progress"
        >
          <div style={{ width: `${(progress * 100).toFixed(1)}%` }} />
        </div>
      ) : null}
      <p className="muted">{`${fmtInt(run.progress.done)}${run.progress.total ? ` of ${fmtInt(run.progress.total)}` : ''} processed · started ${fmtAgo(run.startedAt)}${run.finishedAt ? ` · finished ${fmtAgo(run.finishedAt)}` : ''}`}</p>
      <StreamFigures run={run} />
      <h3>Recent runs</h3>
      <ul className="runs">
        {recent.slice(0, 5).map((r) => (
          <li key={r.id}>
            <span className={`dot ${r.status}`} aria-hidden="true" />
            {`${r.kind} · ${r.status} · ${fmtAgo(r.startedAt)}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Scored, written, remaining and the time to go, while a streamed sync runs. */
function StreamFigures({ run }: { run: SyncRun }) {
  const p = run.progress;
  if (typeof p.scored !== 'number' || run.status !== 'running') return null;
  const eta =
    typeof p.etaSeconds === 'number'
      ? p.etaSeconds < 60
        ? 'less than a minute left'
        : `about ${Math.round(p.etaSeconds / 60)} min left`
      : 'estimating time left';
  const remaining = typeof p.remaining === 'number' ? ` · ${fmtInt(p.remaining)} remaining` : '';
  return (
    <p
      className="stream-figures"
      data-testid="sync-figures"
    >{`${fmtInt(p.scored)} scored · ${fmtInt(p.written ?? 0)} written to HubSpot${remaining} · ${eta}`}</p>
  );
}

export function Stat({ label, value, note, tone = '' }: { label: string; value: string; note: string; tone?: string }) {
  return (
    <div className={`stat ${tone}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      <div className="stat-note">{note}</div>
    </div>
  );
}

/// <reference lib="dom" />
import { useState } from 'react';
import { api } from '../lib/api';
import { ErrorBox, Loading, useAction, useAdmin, useLoad } from '../app/context';
import { Heatmap } from '../charts/Heatmap';
import { LineChart } from '../charts/LineChart';
import { fmtInt, fmtPct, fmtTime } from '../lib/format';
import type { PsiLevel, ReportMeta, ReviewReport, ShareHistory, StoredReport } from './types';
import { useElapsed, Working } from './use-reports';
import { VerdictList } from './VerdictList';

const LIGHT: Record<PsiLevel, { className: string; words: string }> = {
  stable: { className: 'light-green', words: 'Stable' },
  moderate: { className: 'light-amber', words: 'Moderate shift' },
  major: { className: 'light-red', words: 'Major shift' },
};

/** Review: how the persona mix moves over time, what drifted, and what to do about it. */
export function ReviewPanel() {
  const { base, toast } = useAdmin();
  const act = useAction();
  const [reports, reloadReports] = useLoad(
    async () =>
      (await api<{ reports: ReportMeta[] }>('GET', `${base}/insights/reports?limit=200`)).reports.filter((r) =>
        r.kind.startsWith('review-'),
      ),
    [base],
  );
  const [history, reloadHistory] = useLoad(() => api<ShareHistory>('GET', `${base}/insights/share-history`), [base]);
  const [selected, setSelected] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const seconds = useElapsed(running);

  const runNow = () =>
    act(async () => {
      setRunning(true);
      try {
        const r = await api<{ id: string }>('POST', `${base}/insights/review`, { kind: 'quarterly' });
        await Promise.all([reloadReports(), reloadHistory()]);
        setSelected(r.id);
        toast('Quarterly review finished');
      } finally {
        setRunning(false);
      }
    });

  const list = reports.status === 'ready' ? reports.data : [];
  const shown = selected ?? list[0]?.id ?? null;
  return (
    <section className="card" aria-labelledby="review-h">
      <div className="card-head">
        <h2 id="review-h">Review</h2>
        <button className="btn primary" type="button" id="run-review" disabled={running} onClick={() => void runNow()}>
          {running ? 'Reviewing…' : 'Run the quarterly review now'}
        </button>
      </div>
      {running ? <Working label="Comparing snapshots" seconds={seconds} /> : null}
      <h3>Persona share over time (nightly snapshots)</h3>
      {history.status === 'loading' ? (
        <Loading />
      ) : history.status === 'error' ? (
        <ErrorBox error={history.error} />
      ) : history.data.points.length < 1 ? (
        <p className="empty">No snapshot yet: the nightly rescore takes one.</p>
      ) : (
        <LineChart
          title="Share of contacts per persona, per nightly snapshot"
          series={history.data.personas.map((p) => ({
            id: p.id,
            label: p.name,
            kind: p.kind,
            points: history.data.points.map((pt) => ({ x: Date.parse(pt.takenAt), y: pt.shares[p.id] ?? 0 })),
          }))}
        />
      )}
      {reports.status === 'error' ? (
        <ErrorBox error={reports.error} />
      ) : list.length === 0 ? (
        <p className="empty">No review yet. Reviews run nightly and quarterly; run one now.</p>
      ) : (
        <>
          <label className="field inline">
            <span>Review</span>
            <select id="review-select" value={shown ?? ''} onChange={(e) => setSelected(e.target.value)}>
              {list.map((r) => (
                <option
                  key={r.id}
                  value={r.id}
                >{`${r.kind === 'review-quarterly' ? 'Quarterly' : 'Nightly'} · ${fmtTime(r.createdAt)} · ${r.title}`}</option>
              ))}
            </select>
          </label>
          {shown ? <ReviewReportView key={shown} id={shown} /> : null}
        </>
      )}
    </section>
  );
}

function ReviewReportView({ id }: { id: string }) {
  const { base, nameOf } = useAdmin();
  const [loaded] = useLoad(() => api<StoredReport<ReviewReport>>('GET', `${base}/insights/reports/${encodeURIComponent(id)}`), [base, id]);
  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'error') return <ErrorBox error={loaded.error} />;
  const r = loaded.data.body;
  const d = r.drift;
  return (
    <div id="review">
      {!d ? (
        <p className="callout">{r.notes.join(' ') || 'No drift computed.'}</p>
      ) : (
        <>
          <p className="lead">
            {`${fmtTime(Date.parse(d.earlier.takenAt))} → ${fmtTime(Date.parse(d.later.takenAt))}: ${fmtInt(d.moved.total)} contacts changed persona (${fmtPct(d.moved.share)}). Persona mix PSI ${d.mixPsi.psi.toFixed(3)}, `}
            <span className={`light ${LIGHT[d.mixPsi.level].className}`}>{LIGHT[d.mixPsi.level].words}</span>
          </p>
          <h3>Stability per persona (PSI of its scores)</h3>
          <table className="table" id="psi">
            <thead>
              <tr>
                <th scope="col">Persona</th>
                <th scope="col">Share then → now</th>
                <th scope="col">PSI</th>
                <th scope="col">Reading</th>
              </tr>
            </thead>
            <tbody>
              {d.personas.map((p) => (
                <tr key={p.personaId}>
                  <td>{nameOf(p.personaId)}</td>
                  <td>{`${fmtPct(p.earlierShare)} → ${fmtPct(p.laterShare)}`}</td>
                  <td className="mono">{p.scorePsi.toFixed(3)}</td>
                  <td>
                    <span className={`light ${LIGHT[p.level].className}`} aria-hidden="true" />
                    {LIGHT[p.level].words}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Who changed persona (from → to)</h3>
          {d.moved.flows.length === 0 ? (
            <p className="ok-text">Nobody changed persona.</p>
          ) : (
            (() => {
              const from = [...new Set(d.moved.flows.map((f) => f.from))];
              const to = [...new Set(d.moved.flows.map((f) => f.to))];
              return (
                <Heatmap
                  id="review-moves"
                  title="Contacts moving from a persona (rows) to another (columns)"
                  rows={from.map((x) => ({ id: x, label: nameOf(x) }))}
                  columns={to.map((x) => ({ id: x, label: nameOf(x) }))}
                  value={(a, b) => d.moved.flows.find((f) => f.from === a && f.to === b)?.contacts ?? 0}
                />
              );
            })()
          )}
          <h3>Rules that stopped firing</h3>
          {d.rulesStoppedFiring.length === 0 ? (
            <p className="ok-text">Every rule that fired before still fires.</p>
          ) : (
            <ul className="warn-list" id="stopped-rules">
              {d.rulesStoppedFiring.map((x, i) => (
                <li key={i}>
                  <strong>{nameOf(x.personaId)}</strong>
                  {`: ${x.label} (fired for ${fmtInt(x.firedBefore)} before)`}
                </li>
              ))}
            </ul>
          )}
          <h3>Recommended actions</h3>
          {d.findings.length === 0 ? (
            <p className="ok-text">Nothing to act on.</p>
          ) : (
            <ul className="findings" id="actions">
              {d.findings.map((f, i) => (
                <li key={i} className={`finding ${f.severity}`}>
                  <strong>{f.subject}</strong>
                  {`: ${f.detail} `}
                  <em>{f.action}</em>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <h3>Hypotheses at review time</h3>
      <VerdictList verdicts={r.hypotheses} />
    </div>
  );
}

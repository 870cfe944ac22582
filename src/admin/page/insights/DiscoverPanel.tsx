/// <reference lib="dom" />
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { ErrorBox, Loading, useAction, useAdmin, useLoad } from '../app/context';
import { navigate } from '../app/routing';
import { Heatmap } from '../charts/Heatmap';
import { fmtInt, fmtPct, fmtTime } from '../lib/format';
import type { RuleSetDoc } from '../lib/types';
import type { Cluster, DiscoveryReport, StoredReport } from './types';
import { type DiscoveryRunState, JobProgress, latestReport } from './use-reports';

const POLL_MS = 700;

/** Discover: cluster the portal's contacts, read what sets each cluster apart, draft personas from them. */
export function DiscoverPanel() {
  const { base, nameOf, setDraft, toast } = useAdmin();
  const act = useAction();
  const [loaded, reload] = useLoad(() => latestReport<DiscoveryReport>(base, 'discovery'), [base]);
  const [run, setRun] = useState<DiscoveryRunState | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const running = run !== null && (run.status === 'queued' || run.status === 'running');

  // A run started earlier (another tab, before a reload) is followed too.
  useEffect(() => {
    let live = true;
    api<{ run: DiscoveryRunState | null }>('GET', `${base}/insights/discover/runs/latest`).then(
      (latest) => {
        if (live && latest.run && (latest.run.status === 'queued' || latest.run.status === 'running')) setRun(latest.run);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [base]);

  // Discovery runs as a background job: poll its progress until it ends.
  useEffect(() => {
    if (!running) return;
    const timer = window.setTimeout(() => {
      api<DiscoveryRunState>('GET', `${base}/insights/discover/runs/${run.id}`).then(
        (next) => {
          if (next.status === 'succeeded') {
            setChosen(new Set());
            void reload();
            toast('Discovery finished');
          } else if (next.status === 'failed') {
            setFailure(next.error ?? 'Discovery failed');
          }
          setRun(next);
        },
        (error: unknown) => {
          setFailure(error instanceof Error ? error.message : String(error));
          setRun(null);
        },
      );
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [run, running, base, reload, toast]);

  const discover = () =>
    act(async () => {
      setFailure(null);
      setRun(await api<DiscoveryRunState>('POST', `${base}/insights/discover`));
    });

  const draft = (stored: StoredReport<DiscoveryReport>) =>
    act(async () => {
      const clusters = [...chosen].sort((a, b) => a - b);
      const [result, live] = await Promise.all([
        api<{ ruleSet: RuleSetDoc }>('POST', `${base}/insights/drafts`, { reportId: stored.id, clusters }),
        api<{ version: number | null }>('GET', `${base}/rule-sets/live`),
      ]);
      setDraft({
        text: JSON.stringify(result.ruleSet, null, 2),
        baseVersion: live.version,
        origin: `Draft from discovery clusters ${clusters.map((c) => `#${c + 1}`).join(', ')}: preview it, edit it, then publish.`,
      });
      navigate('rules');
    });

  return (
    <section className="card" aria-labelledby="discover-h">
      <div className="card-head">
        <h2 id="discover-h">Discover</h2>
        <button className="btn primary" type="button" id="discover" disabled={running} onClick={() => void discover()}>
          {running ? 'Discovering…' : 'Discover personas'}
        </button>
      </div>
      <p className="muted">Clusters the stored contacts by behaviour, tickets and firmographics, and says what sets each group apart.</p>
      {running ? <JobProgress label="Discovery" run={run} /> : null}
      {failure ? (
        <p className="error" role="alert" id="discover-failed">
          {failure}
        </p>
      ) : null}
      {loaded.status === 'loading' ? (
        <Loading />
      ) : loaded.status === 'error' ? (
        <ErrorBox error={loaded.error} />
      ) : loaded.data === null ? (
        <p className="empty">No discovery yet. Run one to see the groups in your contacts.</p>
      ) : (
        <DiscoveryResult
          stored={loaded.data}
          nameOf={nameOf}
          chosen={chosen}
          setChosen={setChosen}
          onDraft={() => void draft(loaded.data!)}
        />
      )}
    </section>
  );
}

function DiscoveryResult({
  stored,
  nameOf,
  chosen,
  setChosen,
  onDraft,
}: {
  stored: StoredReport<DiscoveryReport>;
  nameOf: (id: string) => string;
  chosen: ReadonlySet<number>;
  setChosen: (s: ReadonlySet<number>) => void;
  onDraft: () => void;
}) {
  const r = stored.body;
  const personaIds = [...new Set(r.clusters.flatMap((c) => c.currentPersonas.map((p) => p.value)))];
  const toggle = (index: number) => {
    const next = new Set(chosen);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    setChosen(next);
  };
  return (
    <div id="discovery">
      <p className="lead">{`${r.k} clusters in ${fmtInt(r.contacts)} contacts · silhouette ${r.silhouette.toFixed(2)} · ${fmtTime(Date.parse(r.generatedAt))}`}</p>
      {r.recovery ? <p className="muted small">{r.recovery.note}</p> : null}
      <h3>Clusters against today’s personas</h3>
      <Heatmap
        id="cluster-personas"
        title="Contacts of each cluster (rows) by current persona (columns)"
        rows={r.clusters.map((c) => ({ id: String(c.index), label: `Cluster #${c.index + 1}` }))}
        columns={personaIds.map((id) => ({ id, label: nameOf(id) }))}
        value={(row, column) =>
          r.clusters.find((c) => String(c.index) === row)?.currentPersonas.find((p) => p.value === column)?.count ?? 0
        }
      />
      <div className="clusters">
        {r.clusters.map((c) => (
          <ClusterCard key={c.index} c={c} checked={chosen.has(c.index)} onToggle={() => toggle(c.index)} />
        ))}
      </div>
      <div className="actions">
        <button className="btn primary" type="button" id="draft-from-clusters" disabled={chosen.size === 0} onClick={onDraft}>
          Draft a rule set from these clusters
        </button>
        <span className="muted small">
          {chosen.size === 0 ? 'Tick the clusters to turn into draft personas.' : `${chosen.size} chosen`}
        </span>
      </div>
    </div>
  );
}

function ClusterCard({ c, checked, onToggle }: { c: Cluster; checked: boolean; onToggle: () => void }) {
  const maxD = Math.max(1, ...c.distinguishing.map((f) => Math.abs(f.effectSize)));
  const top = (items: { value: string; share: number }[]) =>
    items
      .slice(0, 3)
      .map((i) => `${i.value} (${fmtPct(i.share)})`)
      .join(', ') || '—';
  return (
    <article className={`cluster${checked ? ' chosen' : ''}`} aria-labelledby={`cluster-${c.index}`}>
      <header>
        <h4 id={`cluster-${c.index}`}>{`Cluster #${c.index + 1}`}</h4>
        <span className="muted">{`${fmtInt(c.size)} contacts · ${fmtPct(c.share)}`}</span>
      </header>
      <p>{c.summary}</p>
      <h5>What sets it apart (effect size d)</h5>
      <ul className="effects">
        {c.distinguishing.slice(0, 5).map((f) => (
          <li key={f.feature}>
            <span className="effect-label">{f.label}</span>
            <span className={`effect-bar ${f.direction}`} role="img" aria-label={`d = ${f.effectSize.toFixed(2)}, ${f.direction}`}>
              <span style={{ width: `${(Math.abs(f.effectSize) / maxD) * 100}%` }} />
            </span>
            <span className="mono small">{`${f.effectSize > 0 ? '+' : ''}${f.effectSize.toFixed(2)}`}</span>
          </li>
        ))}
      </ul>
      <dl className="facts">
        <dt>Titles</dt>
        <dd>{top(c.jobTitles)}</dd>
        <dt>Industries</dt>
        <dd>{top(c.industries)}</dd>
        {c.companySizes?.length ? (
          <>
            <dt>Companies</dt>
            <dd>{[top(c.companySizes), c.companyIndustries?.length ? top(c.companyIndustries) : ''].filter(Boolean).join('; ')}</dd>
          </>
        ) : null}
        {c.npsBands?.length ? (
          <>
            <dt>NPS</dt>
            <dd>{top(c.npsBands)}</dd>
          </>
        ) : null}
        <dt>Ticket words</dt>
        <dd>
          {c.subjectWords
            .slice(0, 6)
            .map((w) => w.word)
            .join(', ') || '—'}
        </dd>
        {c.commentWords?.length ? (
          <>
            <dt>They say</dt>
            <dd className="comment-words">
              {c.commentWords
                .slice(0, 6)
                .map((w) => w.word)
                .join(', ')}
            </dd>
          </>
        ) : null}
      </dl>
      <label className="choose">
        <input type="checkbox" checked={checked} onChange={onToggle} />
        {` Use as draft persona “${c.suggestion.persona.name}”`}
      </label>
    </article>
  );
}

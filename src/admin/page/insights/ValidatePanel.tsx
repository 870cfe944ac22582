/// <reference lib="dom" />
import { useRef, useState } from 'react';
import { api, ApiError } from '../lib/api';
import { ErrorBox, Loading, useAction, useAdmin, useLoad } from '../app/context';
import { IntervalPlot } from '../charts/IntervalPlot';
import { fmtInt, fmtPct, fmtTime, plural } from '../lib/format';
import type { PilotAnalysis, StoredReport, ValidationReport } from './types';
import { latestReport } from './use-reports';
import { VerdictList } from './VerdictList';

/** Validate: upload pilot results (CSV), then read rates, tests and each hypothesis's verdict. */
export function ValidatePanel() {
  const { base, toast } = useAdmin();
  const act = useAction();
  const [loaded, reload] = useLoad(() => latestReport<ValidationReport>(base, 'validation'), [base]);
  const [rejected, setRejected] = useState<{ fileName: string; message: string; lines: { path?: string; message: string }[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const upload = () =>
    act(async () => {
      const chosen = file.current?.files?.[0];
      if (!chosen) {
        toast('Choose a CSV file first', 'error');
        return;
      }
      setBusy(true);
      try {
        const content = await chosen.text();
        try {
          await api('POST', `${base}/insights/pilots`, { fileName: chosen.name, content });
        } catch (err) {
          if (err instanceof ApiError && err.status === 400) {
            setRejected({ fileName: chosen.name, message: err.message, lines: err.details });
            return;
          }
          throw err;
        }
        setRejected(null);
        await api('POST', `${base}/insights/validate`);
        await reload();
        toast(`${chosen.name} imported and validated`);
      } finally {
        setBusy(false);
      }
    });

  return (
    <section className="card" aria-labelledby="validate-h">
      <h2 id="validate-h">Validate</h2>
      <p className="muted">
        Upload pilot results as CSV with the columns <code>contact_id</code> (or <code>email</code>), <code>variant</code>,{' '}
        <code>outcome</code> and optionally <code>value</code> (1 or 0). The whole file is checked first: one bad line and nothing is
        imported.
      </p>
      <div className="upload">
        <label htmlFor="pilot-file">Pilot results (CSV)</label>
        <input id="pilot-file" ref={file} type="file" accept=".csv,text/csv" />
        <button className="btn primary" type="button" id="upload-pilot" disabled={busy} onClick={() => void upload()}>
          {busy ? 'Checking…' : 'Upload and validate'}
        </button>
      </div>
      {rejected ? (
        <div className="callout error" role="alert" id="pilot-errors">
          <strong>{`${rejected.fileName}: nothing was imported.`}</strong> Fix these lines and upload again.
          <ul>
            {rejected.lines.map((l, i) => (
              <li key={i}>
                {l.path ? (
                  <>
                    <strong>{l.path}</strong>
                    {`: ${l.message}`}
                  </>
                ) : (
                  l.message
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {loaded.status === 'loading' ? (
        <Loading />
      ) : loaded.status === 'error' ? (
        <ErrorBox error={loaded.error} />
      ) : loaded.data === null ? (
        <p className="empty">No validation yet.</p>
      ) : (
        <ValidationResult stored={loaded.data} />
      )}
    </section>
  );
}

function ValidationResult({ stored }: { stored: StoredReport<ValidationReport> }) {
  const r = stored.body;
  return (
    <div id="validation">
      <p className="lead">
        {r.pilot ? `Pilot “${r.pilot.fileName}”: ${plural(r.pilot.rows, 'line')}, ${plural(r.pilot.contacts, 'contact')}` : 'No pilot file'}
        {` · validated ${fmtTime(Date.parse(r.generatedAt))}`}
      </p>
      <h3>Hypotheses</h3>
      <VerdictList verdicts={r.hypotheses} />
      {r.analysis ? <PilotResults a={r.analysis} /> : null}
      {r.notes.length ? (
        <ul className="muted small">
          {r.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function PilotResults({ a }: { a: PilotAnalysis }) {
  const { nameOf } = useAdmin();
  const srm = a.sampleRatio.overall;
  return (
    <>
      <h3>Sample ratio</h3>
      <p id="srm" className={srm.mismatch ? 'bad-text' : 'ok-text'}>
        {srm.mismatch
          ? `The split between variants is off plan (${Object.entries(srm.observed)
              .map(([v, n]) => `${v} ${fmtInt(n)}`)
              .join(', ')}; p = ${srm.pValue.toPrecision(2)}): assignment may be broken, so treat the results with care.`
          : `The split between variants matches the plan (${Object.entries(srm.observed)
              .map(([v, n]) => `${v} ${fmtInt(n)}`)
              .join(', ')}; p = ${srm.pValue.toPrecision(2)}).`}
      </p>
      <h3>{`Rates by persona and variant (${Math.round(a.confidence * 100)}% Wilson intervals)`}</h3>
      <div className="interval-grid">
        {a.personas.flatMap((p) =>
          a.outcomes.map((o) => {
            const arms = a.arms.filter((x) => x.personaId === p && x.outcome === o);
            if (arms.length === 0) return null;
            return (
              <figure key={`${p}:${o}`} className="interval-figure">
                <figcaption>{`${nameOf(p)} · ${o}`}</figcaption>
                <IntervalPlot
                  title={`${o} rate for ${nameOf(p)} by variant`}
                  rows={arms.map((x) => ({
                    label: x.variant,
                    estimate: x.rate,
                    low: x.interval[0],
                    high: x.interval[1],
                    n: x.n,
                    highlight: x.variant !== a.control,
                  }))}
                />
              </figure>
            );
          }),
        )}
      </div>
      <h3>{`Tests against ${a.control} (Holm-corrected over ${a.correction.family})`}</h3>
      <p className="muted small">{a.correction.why}</p>
      <table className="table" id="pilot-tests">
        <thead>
          <tr>
            <th scope="col">Persona</th>
            <th scope="col">Outcome</th>
            <th scope="col">Variant</th>
            <th scope="col">Rate vs control</th>
            <th scope="col">p (Holm)</th>
            <th scope="col">Reading</th>
          </tr>
        </thead>
        <tbody>
          {a.comparisons.map((c, i) => (
            <tr key={i}>
              <td>{nameOf(c.personaId)}</td>
              <td>{c.outcome}</td>
              <td>{c.variant}</td>
              <td>{`${fmtPct(c.variantRate)} vs ${fmtPct(c.controlRate)}`}</td>
              <td className="mono">{c.adjustedPValue === null ? '—' : c.adjustedPValue.toPrecision(2)}</td>
              <td>{reading(c, a)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function reading(c: PilotAnalysis['comparisons'][number], a: PilotAnalysis): string {
  if (c.status === 'insufficient-sample') return `Too few contacts yet (needs ${a.minSamplePerArm} per variant)`;
  if (c.status === 'no-variation') return 'No difference to test: every contact had the same result';
  if (!c.significant) return 'No clear difference: could be chance';
  return c.difference > 0 ? `${c.variant} works better for this persona` : `${c.variant} works worse for this persona`;
}

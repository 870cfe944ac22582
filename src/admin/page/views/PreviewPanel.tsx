/// <reference lib="dom" />
import { useEffect, useRef, useState } from 'react';
import { useAdmin } from '../app/context';
import { BarChart } from '../charts/BarChart';
import { fmtInt, fmtPct, plural } from '../lib/format';
import type { Preview, RuleSetDoc } from '../lib/types';
import { DiffList } from './History';
import { ExplainBrief } from './ExplainBrief';

type Move = Preview['moves'][number];

/** What publishing the draft would change: distribution before/after, who moves where, with samples. */
export function PreviewPanel({ preview: p, draft, children }: { preview: Preview; draft: RuleSetDoc; children?: React.ReactNode }) {
  const { nameOf, kindOf } = useAdmin();
  const draftNames = new Map<string, string>(draft.personas.map((x) => [x.id, x.name]));
  draftNames.set(draft.unassigned.id, draft.unassigned.label);
  const kinds = new Map<string, string>(draft.personas.map((x) => [x.id, x.kind]));
  kinds.set(draft.unassigned.id, 'unassigned');
  const label = (id: string) => draftNames.get(id) ?? nameOf(id);
  const ids = [...new Set([...draft.personas.map((x) => x.id), draft.unassigned.id, ...Object.keys(p.before), ...Object.keys(p.after)])];
  const moved = p.contacts - p.unchanged;
  const fromIds = [...new Set(p.moves.map((m) => m.from))];
  const toIds = [...new Set(p.moves.map((m) => m.to))];
  const [shown, setShown] = useState<{ move: Move; focus: boolean } | null>(p.moves[0] ? { move: p.moves[0], focus: false } : null);
  useEffect(() => {
    setShown(p.moves[0] ? { move: p.moves[0], focus: false } : null);
  }, [p]);

  return (
    <section className="card preview" aria-labelledby="preview-h">
      <h2 id="preview-h" tabIndex={-1}>
        Preview: what publishing would change
      </h2>
      <p className="lead">
        {`${fmtInt(p.contacts)} stored contacts scored against version ${p.liveVersion ?? 'default'} and the draft. `}
        <strong>{`${fmtInt(moved)} would change persona`}</strong>
        {` (${fmtPct(p.contacts ? moved / p.contacts : 0)}).`}
      </p>
      {p.companies && p.companies.companies > 0 ? (
        <p className="lead" id="company-impact">
          {`Companies: ${fmtInt(p.companies.gain)} would gain coverage (a committee gap closes), ${fmtInt(p.companies.lose)} would lose coverage (a gap opens), of ${fmtInt(p.companies.companies)} with contacts; ${fmtInt(p.companies.changed)} would have their coverage properties rewritten.`}
        </p>
      ) : null}
      {p.changes.length === 0 ? (
        <p className="callout">The draft is identical to the live rule set.</p>
      ) : (
        <details className="changes">
          <summary>{`${plural(p.changes.length, 'change')} to the rules`}</summary>
          <DiffList changes={p.changes} />
        </details>
      )}
      {children}
      <div className="cols">
        <div className="span2">
          <h3>Distribution before and after</h3>
          <BarChart
            title="Contacts per persona before and after"
            rows={ids.map((id) => ({
              id,
              label: label(id),
              value: p.after[id] ?? 0,
              compare: p.before[id] ?? 0,
              kind: kinds.get(id) ?? kindOf(id),
            }))}
          />
        </div>
        <div>
          <h3>Personas no contact would match</h3>
          {p.unmatchedPersonas.length ? (
            <ul className="warn-list" id="unmatched">
              {p.unmatchedPersonas.map((id) => (
                <li key={id}>{label(id)}</li>
              ))}
            </ul>
          ) : (
            <p className="ok-text">Every persona matches someone.</p>
          )}
          <h3>Rules that never fire</h3>
          {p.silentRules.length ? (
            <ul className="warn-list" id="silent-rules">
              {p.silentRules.map((r) => (
                <li key={`${r.personaId}:${r.ruleIndex}`}>
                  <strong>{label(r.personaId)}</strong>
                  {`: ${r.label}`}
                </li>
              ))}
            </ul>
          ) : (
            <p className="ok-text">Every rule fires for someone.</p>
          )}
        </div>
      </div>
      <h3>Who moves where</h3>
      {p.moves.length === 0 ? (
        <p className="empty">No contact changes persona.</p>
      ) : (
        <div className="table-scroll">
          <table className="table matrix" id="moves">
            <caption className="sr-only">
              Contacts moving from a persona (rows) to another (columns); choose a count to see sample contacts
            </caption>
            <thead>
              <tr>
                <th scope="col">From \ To</th>
                {toIds.map((id) => (
                  <th key={id} scope="col">
                    {label(id)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {fromIds.map((from) => (
                <tr key={from}>
                  <th scope="row">{label(from)}</th>
                  {toIds.map((to) => {
                    const m = p.moves.find((x) => x.from === from && x.to === to);
                    return (
                      <td key={to}>
                        {m ? (
                          <button
                            type="button"
                            className="cell-btn"
                            onClick={() => setShown({ move: m, focus: true })}
                            aria-label={`${m.count} from ${label(from)} to ${label(to)}: show samples`}
                          >
                            {fmtInt(m.count)}
                          </button>
                        ) : (
                          <span className="muted">·</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown ? <Samples move={shown.move} focus={shown.focus} label={label} /> : null}
    </section>
  );
}

function Samples({ move: m, focus, label }: { move: Move; focus: boolean; label: (id: string) => string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [m, focus]);
  return (
    <div id="samples">
      <h3 tabIndex={-1} ref={heading}>{`${label(m.from)} → ${label(m.to)}: ${plural(m.count, 'contact')}`}</h3>
      <div className="samples">
        {m.samples.map((s) => (
          <article className="sample" key={s.contactId}>
            <h4>
              {s.name}
              {s.email ? <span className="muted">{` · ${s.email}`}</span> : null}
            </h4>
            <div className="sample-cols">
              <ExplainBrief title="Before" brief={s.before} label={label} />
              <ExplainBrief title="After" brief={s.after} label={label} />
            </div>
            {s.formerUnderDraft ? (
              <p className="why small">{`Why: ${label(s.formerUnderDraft.personaId)} now scores ${s.formerUnderDraft.score} / ${s.formerUnderDraft.threshold}${s.formerUnderDraft.score >= s.formerUnderDraft.threshold ? ' but is outranked' : ', below its threshold'} (was ${s.before.score}).`}</p>
            ) : null}
          </article>
        ))}
      </div>
    </div>
  );
}

/// <reference lib="dom" />
import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import { ErrorBox, Loading, PageHeading, useAction, useAdmin, useLoad, Show } from '../app/context';
import { fmtTime, personaColor } from '../lib/format';
import type { ContactDetail } from '../lib/types';
import { PersonaPill, RuleFacts } from './ExplainBrief';

interface Found {
  id: string;
  email: string | null;
  name: string | null;
  jobtitle: string | null;
  company: string | null;
  personaId: string | null;
  overridePersona: string | null;
}

export function ContactsView() {
  const { base, signedOut } = useAdmin();
  const [results, setResults] = useState<{ q: string; contacts: Found[] } | { error: unknown } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const search = async (ev: React.FormEvent) => {
    ev.preventDefault();
    const q = input.current?.value.trim() ?? '';
    if (!q) return;
    try {
      const r = await api<{ contacts: Found[] }>('GET', `${base}/contacts?q=${encodeURIComponent(q)}`);
      setResults({ q, contacts: r.contacts });
    } catch (error) {
      if ((error as { status?: number }).status === 401) signedOut();
      else setResults({ error });
    }
  };
  return (
    <>
      <PageHeading title="Contacts" sub="Why a contact has its persona, and a manual override when you know better." />
      <form className="search" role="search" onSubmit={(ev) => void search(ev)}>
        <label htmlFor="contact-q" className="sr-only">
          Search contacts
        </label>
        <input id="contact-q" ref={input} type="search" placeholder="Name, email or contact id" autoComplete="off" />
        <button className="btn primary" type="submit">
          Search
        </button>
      </form>
      <div className="contacts-layout">
        <div id="contact-results" aria-live="polite">
          {results === null ? null : 'error' in results ? (
            <ErrorBox error={results.error} />
          ) : results.contacts.length === 0 ? (
            <p className="empty">{`No contact matches “${results.q}”.`}</p>
          ) : (
            <ul className="results">
              {results.contacts.map((c) => {
                const shown = c.overridePersona ?? c.personaId;
                return (
                  <li key={c.id}>
                    <button type="button" className="result" onClick={() => setSelected(c.id)}>
                      <span className="result-name">{c.name ?? c.email ?? `Contact ${c.id}`}</span>
                      <span className="muted small">{[c.email, c.jobtitle, c.company].filter(Boolean).join(' · ')}</span>
                      {shown ? <PersonaPill id={shown} label={undefined} /> : null}
                      {c.overridePersona ? ' ✎' : null}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <div id="contact-detail">{selected ? <ContactCard key={selected} contactId={selected} /> : null}</div>
      </div>
    </>
  );
}

function ContactCard({ contactId }: { contactId: string }) {
  const { base } = useAdmin();
  const [loaded, reload] = useLoad(() => api<ContactDetail>('GET', `${base}/contacts/${encodeURIComponent(contactId)}`), [base, contactId]);
  if (loaded.status === 'loading') return <Loading />;
  return <Show loaded={loaded}>{(d) => <ContactExplained d={d} reload={reload} />}</Show>;
}

/** Every persona's score and every rule's result for one contact, and its manual override. */
export function ContactExplained({ d, reload }: { d: ContactDetail; reload: () => Promise<void> }) {
  const { base, nameOf, toast } = useAdmin();
  const act = useAction();
  const a = d.evaluation.assignment;
  const props = d.contact.properties;
  const override = d.stored?.override ?? null;
  const [choice, setChoice] = useState(override?.persona ?? a.personaId);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const path = `${base}/contacts/${encodeURIComponent(d.contact.id)}/override`;
  const setOverride = () =>
    act(async () => {
      await api('PUT', path, { personaId: choice });
      toast('Override saved');
      await reload();
    });
  const clearOverride = () =>
    act(async () => {
      await api('DELETE', path);
      toast('Override cleared; the rules decide again');
      await reload();
    });
  return (
    <section className="card" aria-labelledby="contact-h">
      <h2 id="contact-h" tabIndex={-1} ref={heading}>
        {[props.firstname, props.lastname].filter(Boolean).join(' ') || d.contact.email || `Contact ${d.contact.id}`}
      </h2>
      <p className="muted">
        {[
          d.contact.email,
          props.jobtitle,
          props.company,
          `${d.contact.tickets} ticket${d.contact.tickets === 1 ? '' : 's'}`,
          `stage: ${a.journeyStage}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <div className="assignment">
        <div>
          <div className="muted small">The rules say</div>
          <PersonaPill id={a.personaId} big />
          {a.assigned ? <span className="muted">{` ${a.score} / ${a.explanation.threshold} pts`}</span> : null}
          {a.secondary.length ? <div className="muted small">{`Also qualifies: ${a.secondary.map(nameOf).join(', ')}`}</div> : null}
        </div>
        <div>
          <div className="muted small">Manual override</div>
          {override ? (
            <div>
              <PersonaPill id={override.persona} big />
              <div className="muted small">{`by ${override.by ?? 'someone in HubSpot'} · ${fmtTime(override.at)}`}</div>
            </div>
          ) : (
            <div className="muted">None</div>
          )}
          <div className="override-controls">
            <label htmlFor="override-persona" className="sr-only">
              Override persona
            </label>
            <select id="override-persona" value={choice} onChange={(e) => setChoice(e.target.value)}>
              {d.personas.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <button className="btn small" type="button" onClick={() => void setOverride()}>
              Set override
            </button>
            {override ? (
              <button className="btn small ghost" type="button" onClick={() => void clearOverride()}>
                Clear override
              </button>
            ) : null}
          </div>
        </div>
      </div>
      {d.evaluation.nearest ? (
        <p className="callout">
          {`Closest: ${nameOf(d.evaluation.nearest.personaId)}, ${d.evaluation.nearest.pointsMissing} points short. `}
          {d.evaluation.nearest.suggestions
            .slice(0, 3)
            .map((s) => `${s.label} (+${s.points})`)
            .join(', ')}
        </p>
      ) : null}
      <h3>Every persona, every rule</h3>
      <div className="persona-evals">
        {d.evaluation.personas.map((pe) => {
          const ratio = pe.threshold > 0 ? Math.max(0, Math.min(1, pe.score / pe.threshold)) : pe.qualifies ? 1 : 0;
          return (
            <article key={pe.personaId} className={`persona-eval ${pe.personaId === a.personaId ? 'primary' : ''}`}>
              <div className="pe-head">
                <strong>{pe.name}</strong>
                <span className={pe.qualifies ? 'badge succeeded' : 'badge'}>
                  {pe.qualifies ? 'qualifies' : `${pe.pointsMissing} pts short`}
                </span>
              </div>
              <div className="meter" role="img" aria-label={`${pe.score} of ${pe.threshold} points`}>
                <div style={{ width: `${(ratio * 100).toFixed(0)}%`, background: personaColor(pe.personaId, pe.kind) }} />
              </div>
              <div className="muted small">{`${pe.score} / ${pe.threshold} points`}</div>
              <ul className="rule-results">
                {pe.rules.map((r, i) => (
                  <li key={i} className={r.fired ? 'fired' : 'idle'}>
                    <span className="mark" aria-hidden="true">
                      {r.fired ? '✓' : '·'}
                    </span>
                    <span className="sr-only">{r.fired ? 'fired: ' : 'did not fire: '}</span>
                    {r.label}
                    <span className={r.points < 0 ? 'neg pts' : 'pts'}>{`${r.points > 0 ? '+' : ''}${r.points}`}</span>
                    <RuleFacts facts={r.facts} />
                  </li>
                ))}
              </ul>
            </article>
          );
        })}
      </div>
    </section>
  );
}

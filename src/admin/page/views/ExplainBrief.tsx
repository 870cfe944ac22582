import { useAdmin } from '../app/context';
import { personaColor } from '../lib/format';
import type { Brief } from '../lib/types';

export function PersonaPill({ id, label, big = false }: { id: string; label?: string; big?: boolean }) {
  const { nameOf, kindOf } = useAdmin();
  return (
    <span className={big ? 'pill big' : 'pill'} style={{ ['--c' as string]: personaColor(id, kindOf(id)) }}>
      {label ?? nameOf(id)}
    </span>
  );
}

/** The company and survey facts behind a rule ("primary company: Acme, 5,200 employees"). */
export function RuleFacts({ facts }: { facts?: readonly string[] }) {
  if (!facts || facts.length === 0) return null;
  return (
    <ul className="rule-facts">
      {facts.map((fact, i) => (
        <li key={i}>{fact}</li>
      ))}
    </ul>
  );
}

/** One side of a before/after explanation: the persona, its score and the rules that fired. */
export function ExplainBrief({ title, brief, label }: { title: string; brief: Brief; label: (id: string) => string }) {
  const e = brief.explanation;
  return (
    <div className="explain">
      <div className="explain-head">
        <span className="muted">{title}</span> <PersonaPill id={brief.personaId} label={label(brief.personaId)} />
        {e.threshold !== null ? <span className="muted">{` ${brief.score} / ${e.threshold} pts`}</span> : null}
      </div>
      {e.firedRules.length ? (
        <ul className="rules">
          {e.firedRules.map((r, i) => (
            <li key={i}>
              <span className={r.points < 0 ? 'neg' : 'pos'}>{`${r.points > 0 ? '+' : ''}${r.points}`}</span>
              {` ${r.label}`}
              <RuleFacts facts={r.facts} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{e.threshold === null ? 'No persona reaches its threshold' : 'No rule fired'}</p>
      )}
      {e.runnerUp ? (
        <p className="muted small">{`Runner-up: ${label(e.runnerUp.personaId)} with ${e.runnerUp.score} / ${e.runnerUp.threshold}`}</p>
      ) : null}
    </div>
  );
}

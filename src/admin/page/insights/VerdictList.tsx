import { fmtPct } from '../lib/format';
import type { HypothesisVerdict } from './types';

export const VERDICT_WORDS: Record<HypothesisVerdict['status'], string> = {
  supported: 'Supported',
  refuted: 'Refuted',
  'not-yet-known': 'Not yet known',
};

/** Each hypothesis in plain words: what was expected, what the data says, and the verdict. */
export function VerdictList({ verdicts }: { verdicts: readonly HypothesisVerdict[] }) {
  if (verdicts.length === 0) return <p className="empty">No persona states a hypothesis yet.</p>;
  return (
    <ul className="verdicts" id="verdicts">
      {verdicts.map((v, i) => (
        <li key={i} className={`verdict verdict-${v.status}`}>
          <span className={`badge verdict-badge ${v.status}`}>{VERDICT_WORDS[v.status]}</span>
          <strong>{v.personaName}</strong>
          <span>{` · ${v.explanation}`}</span>
          {v.estimate !== null && v.interval ? (
            <span className="muted small">{` (measured ${fmtPct(v.estimate)}, between ${fmtPct(v.interval[0])} and ${fmtPct(v.interval[1])}, ${v.sample} contacts)`}</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/// <reference lib="dom" />
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { ErrorBox, Loading, useAdmin } from '../app/context';
import { plural } from '../lib/format';
import type { Preview, RuleSetDoc } from '../lib/types';

interface Usage {
  kind: 'list' | 'workflow';
  id: string;
  name: string;
  where: 'filter' | 'enrollment' | 'branch';
  values: string[];
  enabled: boolean;
}
type Check = { status: 'checked'; items: Usage[] } | { status: 'could-not-check'; reason: string };
export interface Impact {
  lists: Check;
  workflows: Check;
}

/** Persona values a publish takes contacts out of (or removes), with how many contacts leave each. */
export function leavingCounts(preview: Preview, draft: RuleSetDoc): Map<string, number> {
  const leaving = new Map<string, number>();
  for (const m of preview.moves) if (m.from !== m.to) leaving.set(m.from, (leaving.get(m.from) ?? 0) + m.count);
  const kept = new Set([...draft.personas.map((p) => p.id), draft.unassigned.id]);
  for (const id of Object.keys(preview.before)) if (!kept.has(id) && !leaving.has(id)) leaving.set(id, 0);
  return leaving;
}

/** Contacts that would leave a value some list or workflow reads: what the typed confirmation names. */
export function affectedCount(impact: Impact, leaving: ReadonlyMap<string, number>): number {
  const used = new Set<string>();
  for (const check of [impact.lists, impact.workflows])
    if (check.status === 'checked') for (const u of check.items) for (const v of u.values) used.add(v);
  return [...used].reduce((sum, v) => sum + (leaving.get(v) ?? 0), 0);
}

export function useImpact(
  preview: Preview | null,
  draft: RuleSetDoc | null,
): { impact: Impact | null; error: unknown; leaving: Map<string, number> } {
  const { base } = useAdmin();
  const [state, setState] = useState<{ impact: Impact | null; error: unknown }>({ impact: null, error: null });
  const leaving = preview && draft ? leavingCounts(preview, draft) : new Map<string, number>();
  const key = [...leaving.keys()].sort().join(',');
  useEffect(() => {
    setState({ impact: null, error: null });
    if (!preview) return;
    if (key === '') {
      setState({ impact: { lists: { status: 'checked', items: [] }, workflows: { status: 'checked', items: [] } }, error: null });
      return;
    }
    let live = true;
    api<Impact>('GET', `${base}/publish-impact?values=${encodeURIComponent(key)}`).then(
      (impact) => {
        if (live) setState({ impact, error: null });
      },
      (error: unknown) => {
        if (live) setState({ impact: null, error });
      },
    );
    return () => {
      live = false;
    };
  }, [preview, key, base]);
  return { ...state, leaving };
}

/** "Workflow 'Nurture analysts' branches on Persona = Data Analyst; 412 contacts would leave that branch." */
export function PublishImpactSection({
  impact,
  error,
  leaving,
  label,
  propertyLabel,
}: {
  impact: Impact | null;
  error: unknown;
  leaving: ReadonlyMap<string, number>;
  label: (id: string) => string;
  propertyLabel: string;
}) {
  if (leaving.size === 0) return null;
  const sentence = (u: Usage) => {
    const values = u.values.map(label).join(' or ');
    const count = u.values.reduce((sum, v) => sum + (leaving.get(v) ?? 0), 0);
    const what =
      u.kind === 'list'
        ? `Active list “${u.name}” filters on`
        : `Workflow “${u.name}”${u.enabled ? '' : ' (off)'} ${u.where === 'branch' ? 'branches on' : 'enrolls on'}`;
    const consequence =
      u.kind === 'list' ? 'would leave it' : u.where === 'branch' ? 'would leave that branch' : 'would no longer be enrolled';
    return `${what} ${propertyLabel} = ${values}; ${plural(count, 'contact')} ${consequence}.`;
  };
  return (
    <div id="publish-impact" className="impact">
      <h3>HubSpot lists and workflows this publish touches</h3>
      {error ? (
        <ErrorBox error={error} />
      ) : !impact ? (
        <Loading />
      ) : (
        <ul className="impact-list">
          {[impact.lists, impact.workflows].map((check, i) =>
            check.status === 'could-not-check' ? (
              <li key={i} className="could-not-check">{`Could not check ${i === 0 ? 'active lists' : 'workflows'}: ${check.reason}.`}</li>
            ) : check.items.length === 0 ? (
              <li key={i} className="ok-text">{`No ${i === 0 ? 'active list' : 'workflow'} uses the affected values.`}</li>
            ) : (
              check.items.map((u) => (
                <li key={`${u.kind}:${u.id}`} className="impact-item">
                  {sentence(u)}
                </li>
              ))
            ),
          )}
        </ul>
      )}
    </div>
  );
}

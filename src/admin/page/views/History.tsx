import { api, ApiError } from '../lib/api';
import { useAction, useAdmin } from '../app/context';
import { fmtTime, plural } from '../lib/format';
import type { AuditEntry, Change, VersionMeta } from '../lib/types';

interface Props {
  base: string;
  versions: VersionMeta[];
  audit: AuditEntry[];
  liveVersion: number | null;
  onOpen: (version: number, body: unknown) => void;
  onRolledBack: (result: { version: VersionMeta; from: number }) => void;
}

export function History({ base, versions, audit, liveVersion, onOpen, onRolledBack }: Props) {
  const act = useAction();
  const open = (v: number) => act(async () => onOpen(v, (await api<{ body: unknown }>('GET', `${base}/rule-sets/versions/${v}`)).body));
  const rollback = (v: number) =>
    act(async () => {
      if (!window.confirm(`Roll back to version ${v}? It is republished as a new version and contacts are rescored.`)) return;
      let confirmAffected: number | undefined;
      for (;;) {
        try {
          const r = await api<{ version: VersionMeta }>(
            'POST',
            `${base}/rule-sets/rollback/${v}`,
            confirmAffected === undefined ? undefined : { confirmAffected },
          );
          onRolledBack({ version: r.version, from: v });
          return;
        } catch (err) {
          // Contacts would leave persona values HubSpot lists or workflows use: as for a publish, the admin types their number.
          const needed = typedConfirmationNeeded(err);
          if (needed === null) throw err;
          const typed = window.prompt(`${needed.reason}\n\nType ${needed.count} to roll back anyway.`);
          if (typed === null || Number(typed.trim()) !== needed.count) return;
          confirmAffected = needed.count;
        }
      }
    });
  return (
    <div className="history">
      <section className="card" aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        {versions.length === 0 ? (
          <p className="empty">Nothing published yet.</p>
        ) : (
          <table className="table" id="versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <td>
                    <strong>{`v${v.version}`}</strong>
                    {v.version === liveVersion ? <span className="badge live">live</span> : null}
                    {v.note ? <div className="muted small">{v.note}</div> : null}
                  </td>
                  <td>
                    {fmtTime(v.createdAt)}
                    <div className="muted small">{v.createdBy}</div>
                  </td>
                  <td className="row-actions">
                    <button
                      className="btn small ghost"
                      type="button"
                      aria-label={`Open version ${v.version} in the editor`}
                      onClick={() => void open(v.version)}
                    >
                      Open
                    </button>
                    {v.version === liveVersion ? null : (
                      <button
                        className="btn small"
                        type="button"
                        aria-label={`Roll back to version ${v.version}`}
                        onClick={() => void rollback(v.version)}
                      >
                        Roll back
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="audit-h">
        <h2 id="audit-h">Audit log</h2>
        <AuditList entries={audit} />
      </section>
    </div>
  );
}

/** The number a 409 asks the admin to type (`confirmAffected` must be N), or null for any other failure. */
function typedConfirmationNeeded(err: unknown): { count: number; reason: string } | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const detail = err.details.find((d) => d.path === 'confirmAffected');
  const count = detail ? /^must be (\d+)$/.exec(detail.message)?.[1] : undefined;
  return count === undefined ? null : { count: Number(count), reason: err.message.replace(/ Send "confirmAffected".*$/, '') };
}

const short = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? '—' : s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

export function DiffList({ changes }: { changes: Change[] }) {
  return (
    <ul className="diff">
      {changes.slice(0, 200).map((c, i) => (
        <li key={i} className={c.kind}>
          <span className="mono">{c.path}</span>{' '}
          {c.kind === 'changed' ? (
            <>
              <del>{short(c.before)}</del>
              {' → '}
              <ins>{short(c.after)}</ins>
            </>
          ) : c.kind === 'added' ? (
            <ins>{`added ${short(c.after)}`}</ins>
          ) : (
            <del>{`removed ${short(c.before)}`}</del>
          )}
        </li>
      ))}
    </ul>
  );
}

function AuditList({ entries }: { entries: AuditEntry[] }) {
  const { nameOf } = useAdmin();
  if (entries.length === 0) return <p className="empty">No changes recorded yet.</p>;
  const title = (e: AuditEntry): string => {
    const version = e.diff?.toVersion;
    const contact = e.target.replace('contact:', 'contact ');
    switch (e.action) {
      case 'ruleset.publish':
        return `Published version ${version ?? e.target}`;
      case 'ruleset.rollback':
        return `Rolled back: version ${version ?? e.target}`;
      case 'override.set':
        return `Override on ${contact}: ${nameOf(e.diff?.personaId ?? '')}`;
      case 'override.clear':
        return `Override cleared on ${contact}`;
      case 'share.create':
        return 'Share link created';
      case 'share.revoke':
        return 'Share links revoked';
      case 'review.confirm':
        return `Review: confirmed ${nameOf(e.diff?.personaId ?? '')} on ${contact}`;
      case 'review.pick':
        return `Review: picked ${nameOf(e.diff?.personaId ?? '')} on ${contact}`;
      case 'review.dismiss':
        return `Review: dismissed ${contact}`;
      default:
        return `${e.action} ${e.target}`;
    }
  };
  return (
    <ol className="audit" id="audit">
      {entries.map((e) => {
        const changes = e.diff?.changes ?? [];
        return (
          <li key={e.id}>
            <div>
              <strong>{title(e)}</strong>
              <span className="muted">{` · ${e.actor} · ${fmtTime(e.at)}`}</span>
            </div>
            {e.diff?.note ? <div className="muted">{e.diff.note}</div> : null}
            {changes.length ? (
              <details>
                <summary>{plural(changes.length, 'change')}</summary>
                <DiffList changes={changes} />
              </details>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

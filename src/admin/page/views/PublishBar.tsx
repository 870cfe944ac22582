/// <reference lib="dom" />
import { useRef, useState } from 'react';
import { api } from '../lib/api';
import { useAction } from '../app/context';
import type { Change, VersionMeta } from '../lib/types';

interface Props {
  base: string;
  text: string;
  /** The current text is the one last previewed: only then may it be published. */
  fresh: boolean;
  /** Contacts leaving persona values that HubSpot lists or workflows use: publishing needs this number typed. */
  affected: number;
  previewing: boolean;
  onPreview: () => void;
  onPublished: (version: VersionMeta, changes: Change[], rescore?: string) => Promise<void>;
  onRejected: (err: unknown) => void;
  onDiscard: () => void;
}

export function PublishBar({ base, text, fresh, affected, previewing, onPreview, onPublished, onRejected, onDiscard }: Props) {
  const act = useAction();
  const note = useRef<HTMLInputElement>(null);
  const [publishing, setPublishing] = useState(false);
  const [typed, setTyped] = useState('');
  const confirmed = affected === 0 || typed.trim() === String(affected);

  const publish = () =>
    act(async () => {
      if (!window.confirm('Publish this rule set? Contacts are rescored and changed personas are written to HubSpot.')) return;
      setPublishing(true);
      try {
        const result = await api<{ version: VersionMeta; changes: Change[]; rescore?: string }>('POST', `${base}/rule-sets/publish`, {
          ruleSet: JSON.parse(text),
          // The API checks this number too: a publish moving contacts out of values lists or workflows use needs it.
          ...(affected > 0 ? { confirmAffected: Number(typed.trim()) } : {}),
          note:
            [
              note.current?.value,
              affected > 0 ? `Published despite ${affected} contacts leaving persona values that HubSpot lists or workflows use.` : '',
            ]
              .filter(Boolean)
              .join(' ')
              .slice(0, 500) || null,
        });
        await onPublished(result.version, result.changes, result.rescore);
      } catch (err) {
        onRejected(err);
        throw err;
      } finally {
        setPublishing(false);
      }
    });

  return (
    <div className="actions">
      <button className="btn" id="preview-btn" type="button" disabled={previewing} onClick={onPreview}>
        {previewing ? 'Previewing…' : 'Preview impact'}
      </button>
      <label className="sr-only" htmlFor="publish-note">
        Publish note
      </label>
      <input id="publish-note" ref={note} type="text" placeholder="What changed and why (optional)" maxLength={500} />
      {affected > 0 ? (
        <label className="field confirm-field" htmlFor="publish-confirm">
          <span>{`Lists or workflows use the values ${affected} contacts would leave. Type ${affected} to publish anyway.`}</span>
          <input
            id="publish-confirm"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
      ) : null}
      <button
        className="btn primary"
        id="publish"
        type="button"
        disabled={!fresh || publishing || !confirmed}
        title={fresh ? 'Publish this rule set as a new version' : 'Preview the current text first'}
        onClick={() => void publish()}
      >
        Publish
      </button>
      <button className="btn ghost" type="button" onClick={onDiscard}>
        Discard changes
      </button>
    </div>
  );
}

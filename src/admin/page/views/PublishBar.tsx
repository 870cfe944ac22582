/// <reference lib="dom" />
import { useRef, useState } from 'react';
import { api } from '../lib/api';
import { useAction } from '../app/context';
import type { Change, Preview, VersionMeta } from '../lib/types';

interface Props {
  base: string;
  text: string;
  /** The current text is the one last previewed: only then may it be published. */
  fresh: boolean;
  preview: Preview | null;
  previewing: boolean;
  onPreview: () => void;
  onPublished: (version: VersionMeta, changes: Change[]) => Promise<void>;
  onRejected: (err: unknown) => void;
  onDiscard: () => void;
}

export function PublishBar({ base, text, fresh, previewing, onPreview, onPublished, onRejected, onDiscard }: Props) {
  const act = useAction();
  const note = useRef<HTMLInputElement>(null);
  const [publishing, setPublishing] = useState(false);

  const publish = () => act(async () => {
    if (!window.confirm('Publish this rule set? Contacts are rescored and changed personas are written to HubSpot.')) return;
    setPublishing(true);
    try {
      const result = await api<{ version: VersionMeta; changes: Change[] }>('POST', `${base}/rule-sets/publish`, { ruleSet: JSON.parse(text), note: note.current?.value || null });
      await onPublished(result.version, result.changes);
    } catch (err) {
      onRejected(err);
      throw err;
    } finally {
      setPublishing(false);
    }
  });

  return (
    <div className="actions">
      <button className="btn" id="preview-btn" type="button" disabled={previewing} onClick={onPreview}>{previewing ? 'Previewing…' : 'Preview impact'}</button>
      <label className="sr-only" htmlFor="publish-note">Publish note</label>
      <input id="publish-note" ref={note} type="text" placeholder="What changed and why (optional)" maxLength={500} />
      <button className="btn primary" id="publish" type="button" disabled={!fresh || publishing}
        title={fresh ? 'Publish this rule set as a new version' : 'Preview the current text first'} onClick={() => void publish()}>Publish</button>
      <button className="btn ghost" type="button" onClick={onDiscard}>Discard changes</button>
    </div>
  );
}

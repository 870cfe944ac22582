/// <reference lib="dom" />
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../lib/api';
import { PageHeading, Show, useAction, useAdmin, useLoad, type EditorDraft } from '../app/context';
import { JsonEditor, type EditorProblem, type JsonEditorHandle } from '../editor/JsonEditor';
import { lineAt, locatePath, parseJson } from '../editor/json-paths';
import { plural } from '../lib/format';
import type { AuditEntry, Change, Preview, RuleSetDoc, VersionMeta } from '../lib/types';
import { History } from './History';
import { PreviewPanel } from './PreviewPanel';
import { ProfileForms } from './ProfileForms';
import { PublishBar } from './PublishBar';
import { affectedCount, PublishImpactSection, useImpact } from './PublishImpact';

interface Loaded {
  live: { version: number | null; ruleSet: RuleSetDoc };
  versions: VersionMeta[];
  audit: AuditEntry[];
}

export function RuleSetView() {
  const { base } = useAdmin();
  const [loaded, reload] = useLoad(async (): Promise<Loaded> => {
    const [live, versions, audit] = await Promise.all([
      api<Loaded['live']>('GET', `${base}/rule-sets/live`),
      api<{ versions: VersionMeta[] }>('GET', `${base}/rule-sets/versions`),
      api<{ entries: AuditEntry[] }>('GET', `${base}/audit?limit=30`),
    ]);
    return { live, versions: versions.versions, audit: audit.entries };
  }, [base]);
  return <Show loaded={loaded}>{(data) => <RuleSetEditor key={data.live.version ?? 'default'} data={data} reload={reload} />}</Show>;
}

/** One problem in the list: where it is (path and line), the persona it concerns, and what is wrong. */
interface Problem {
  path: string | null;
  line: number;
  from: number;
  to: number;
  message: string;
  persona: string | null;
}
type Validation = { state: 'checking' } | { state: 'valid'; doc: RuleSetDoc } | { state: 'syntax' | 'invalid'; problems: Problem[] };

function RuleSetEditor({ data, reload }: { data: Loaded; reload: () => Promise<void> }) {
  const { base, draft, setDraft, nonce, reloadNames, toast, nameOf } = useAdmin();
  const act = useAction();
  const liveText = useMemo(() => JSON.stringify(data.live.ruleSet, null, 2), [data.live.ruleSet]);
  const initial = draft && draft.baseVersion === data.live.version ? draft : null;
  const [text, setText] = useState(initial?.text ?? liveText);
  const textRef = useRef(text);
  textRef.current = text;
  const [validation, setValidation] = useState<Validation>({ state: 'checking' });
  // The form shows the last valid document; a change typed in the form must not rebuild the form under the cursor.
  const [formDoc, setFormDoc] = useState<{ doc: RuleSetDoc; generation: number } | null>(null);
  const fromForm = useRef(false);
  const [preview, setPreview] = useState<{ text: string; result: Preview; draft: RuleSetDoc } | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [previewing, setPreviewing] = useState(false);
  const editor = useRef<JsonEditorHandle>(null);
  const previewBox = useRef<HTMLDivElement>(null);
  const origin = initial?.origin ?? null;

  // The draft survives a visit to another view.
  useEffect(
    () => () => setDraft(textRef.current === liveText ? null : { text: textRef.current, baseVersion: data.live.version }),
    [liveText, data.live.version, setDraft],
  );

  const validateNow = useCallback(
    async (source: string): Promise<boolean> => {
      const parsed = parseJson(source);
      if (!parsed.ok) {
        setValidation({
          state: 'syntax',
          problems: parsed.errors.map((e) => ({
            path: null,
            line: lineAt(source, e.span.from),
            from: e.span.from,
            to: e.span.to,
            message: e.message,
            persona: null,
          })),
        });
        return false;
      }
      const result = await api<{ ok: boolean; errors: { path: string; message: string }[] }>('POST', `${base}/rule-sets/validate`, {
        ruleSet: parsed.value,
      });
      if (textRef.current !== source) return result.ok;
      const doc = parsed.value as RuleSetDoc;
      if (result.ok) {
        setValidation({ state: 'valid', doc });
        if (!fromForm.current) setFormDoc((f) => ({ doc, generation: (f?.generation ?? 0) + 1 }));
        fromForm.current = false;
        return true;
      }
      fromForm.current = false;
      setValidation({
        state: 'invalid',
        problems: result.errors.map((e) => {
          const span = locatePath(parsed.tree, e.path);
          const index = /^personas\[(\d+)\]/.exec(e.path);
          const persona = index ? doc.personas?.[Number(index[1])] : undefined;
          return {
            path: e.path,
            line: lineAt(source, span.from),
            from: span.from,
            to: span.to,
            message: e.message,
            persona: typeof persona?.name === 'string' ? persona.name : null,
          };
        }),
      });
      return false;
    },
    [base],
  );

  useEffect(() => {
    setValidation({ state: 'checking' });
    const timer = window.setTimeout(() => {
      void validateNow(text).catch(() => undefined);
    }, 400);
    return () => window.clearTimeout(timer);
  }, [text, validateNow]);

  const replaceText = (next: string) => {
    editor.current?.setText(next);
    setText(next);
  };
  const onFormEdit = (doc: RuleSetDoc) => {
    fromForm.current = true;
    setFormDoc((f) => ({ doc, generation: f?.generation ?? 0 }));
    replaceText(JSON.stringify(doc, null, 2));
  };

  const runPreview = async () => {
    setPreviewing(true);
    try {
      const source = textRef.current;
      if (!(await validateNow(source))) {
        toast('Fix the problems listed first', 'error');
        return;
      }
      const doc = JSON.parse(source) as RuleSetDoc;
      const result = await api<Preview>('POST', `${base}/rule-sets/preview`, { ruleSet: doc });
      setPreview({ text: source, result, draft: doc });
      setPreviewError(null);
    } catch (err) {
      setPreviewError(err);
    } finally {
      setPreviewing(false);
    }
  };
  useEffect(() => {
    if (!preview) return;
    previewBox.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    previewBox.current?.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  }, [preview]);

  const afterPublish = async (message: string) => {
    toast(message);
    setDraft(null);
    textRef.current = liveText;
    await reloadNames();
    await reload();
  };

  const problems: EditorProblem[] =
    validation.state === 'syntax' || validation.state === 'invalid'
      ? validation.problems.map((p) => ({ from: p.from, to: p.to, message: p.path ? `${p.path}: ${p.message}` : p.message }))
      : [];
  const fresh = preview !== null && preview.text === text;
  const { impact, error: impactError, leaving } = useImpact(preview?.result ?? null, preview?.draft ?? null);
  const affected = impact ? affectedCount(impact, leaving) : 0;
  const draftLabel = (id: string) => preview?.draft.personas.find((p) => p.id === id)?.name ?? nameOf(id);

  return (
    <>
      <PageHeading
        title="Rule set"
        sub={
          data.live.version === null
            ? 'The default rule set is live; publish to make your own version 1.'
            : `Version ${data.live.version} is live.`
        }
      />
      {origin ? (
        <p className="callout" id="draft-origin">
          {origin}
        </p>
      ) : null}
      <div className="editor-layout">
        <section className="card editor-card" aria-labelledby="json-h">
          <div className="card-head">
            <h2 id="json-h">Rule set JSON</h2>
            <span className="muted small">Tab indents · Esc then Tab leaves the editor</span>
          </div>
          <JsonEditor
            ref={editor}
            id="ruleset-json"
            labelledBy="json-h"
            describedBy="problems-summary"
            nonce={nonce}
            initialText={text}
            problems={problems}
            onChange={setText}
          />
          <PublishBar
            base={base}
            text={text}
            fresh={fresh}
            affected={fresh ? affected : 0}
            previewing={previewing}
            onPreview={() => void runPreview()}
            onPublished={(version, changes, rescore) =>
              afterPublish(
                `Published version ${version.version} (${plural(changes.length, 'change')})${rescore === 'queued' ? '; contacts are rescored in the background, progress on the dashboard' : ''}`,
              )
            }
            onRejected={(err) => {
              if (err instanceof ApiError && err.details.length) void validateNow(textRef.current);
            }}
            onDiscard={() => {
              setDraft(null);
              replaceText(liveText);
            }}
          />
        </section>
        <aside className="card problems-card" aria-labelledby="problems-h">
          <h2 id="problems-h">Validation</h2>
          <ProblemList validation={validation} onJump={(p) => editor.current?.select(p.from, p.to)} />
        </aside>
      </div>
      <section className="card" aria-labelledby="profiles-h">
        <h2 id="profiles-h">Persona profiles</h2>
        <p className="muted">Edit the sheets here; the JSON follows.</p>
        {formDoc ? <ProfileForms doc={formDoc.doc} generation={formDoc.generation} onEdit={onFormEdit} /> : null}
      </section>
      <div id="preview" ref={previewBox}>
        {previewError ? (
          <div className="callout error" role="alert">
            {String((previewError as Error).message ?? previewError)}
          </div>
        ) : null}
        {preview ? (
          <PreviewPanel preview={preview.result} draft={preview.draft}>
            <PublishImpactSection
              impact={impact}
              error={impactError}
              leaving={leaving}
              label={draftLabel}
              propertyLabel={(preview.draft.property as { label?: string } | undefined)?.label ?? 'Persona'}
            />
          </PreviewPanel>
        ) : null}
      </div>
      <History
        base={base}
        versions={data.versions}
        audit={data.audit}
        liveVersion={data.live.version}
        onOpen={(version, body) => {
          replaceText(JSON.stringify(body, null, 2));
          editor.current?.focus();
          toast(`Version ${version} is in the editor: preview it, then publish`);
        }}
        onRolledBack={(r) => void act(() => afterPublish(`Rolled back: version ${r.version.version} now holds version ${r.from}'s rules`))}
      />
    </>
  );
}

function ProblemList({ validation, onJump }: { validation: Validation; onJump: (p: Problem) => void }) {
  if (validation.state === 'checking')
    return (
      <div id="problems" aria-live="polite">
        <p id="problems-summary" className="problems-head muted">
          Checking…
        </p>
      </div>
    );
  if (validation.state === 'valid')
    return (
      <div id="problems" aria-live="polite">
        <p id="problems-summary" className="problems-head good">
          ✓ Valid rule set
        </p>
      </div>
    );
  const { problems } = validation;
  return (
    <div id="problems" aria-live="polite">
      <p id="problems-summary" className="problems-head bad">
        {validation.state === 'syntax' ? 'The text is not valid JSON' : `${plural(problems.length, 'problem')} to fix`}
      </p>
      <ul className="problems">
        {problems.map((p, i) => (
          <li key={i}>
            <button type="button" className="link mono" title="Show in the editor" onClick={() => onJump(p)}>
              {p.path === null ? `line ${p.line}` : p.path || '(root)'}
            </button>
            {p.path !== null ? <span className="muted">{` line ${p.line}`}</span> : ' '}
            {p.persona ? <div className="muted small">{`in ${p.persona}`}</div> : null}
            <div>{p.message}</div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export type { EditorDraft, Change };

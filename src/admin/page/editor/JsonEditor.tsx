/// <reference lib="dom" />
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';

export interface EditorProblem {
  from: number;
  to: number;
  message: string;
}

export interface JsonEditorHandle {
  /** Replaces the whole text, as a paste would (one undoable step). */
  setText(text: string): void;
  /** Focuses the editor with a span selected and scrolled into view. */
  select(from: number, to: number): void;
  focus(): void;
}

interface Props {
  initialText: string;
  /** The CSP nonce the page was served with: CodeMirror's style elements need it under `style-src 'self'`. */
  nonce: string | null;
  problems: readonly EditorProblem[];
  onChange: (text: string) => void;
  id: string;
  labelledBy: string;
  describedBy: string;
}

/**
 * CodeMirror 6 with JSON support. Validation problems arrive as props and are shown as diagnostics
 * (underline, gutter mark, tooltip) at their spans. Tab indents; Escape then Tab leaves the editor,
 * so keyboard users are never trapped.
 */
export const JsonEditor = forwardRef<JsonEditorHandle, Props>(function JsonEditor(props, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.initialText,
        extensions: [
          props.nonce ? EditorView.cspNonce.of(props.nonce) : [],
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          lintGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          json(),
          keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap, ...foldKeymap]),
          EditorState.tabSize.of(2),
          EditorView.contentAttributes.of({
            id: props.id,
            'aria-labelledby': props.labelledBy,
            'aria-describedby': props.describedBy,
            spellcheck: 'false',
          }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; later text arrives through setText.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const diagnostics: Diagnostic[] = props.problems.map((p) => ({
      from: Math.min(p.from, length),
      to: Math.min(Math.max(p.to, p.from), length),
      severity: 'error',
      message: p.message,
    }));
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [props.problems]);

  useImperativeHandle(
    ref,
    () => ({
      setText(text) {
        const editor = view.current;
        if (!editor || editor.state.doc.toString() === text) return;
        editor.dispatch({
          changes: { from: 0, to: editor.state.doc.length, insert: text },
          selection: EditorSelection.cursor(0),
          scrollIntoView: true,
        });
      },
      select(from, to) {
        const editor = view.current;
        if (!editor) return;
        const length = editor.state.doc.length;
        editor.dispatch({
          selection: EditorSelection.range(Math.min(from, length), Math.min(to, length)),
          effects: EditorView.scrollIntoView(Math.min(from, length), { y: 'center' }),
        });
        editor.focus();
      },
      focus() {
        view.current?.focus();
      },
    }),
    [],
  );

  return <div className="code-wrap" ref={host} />;
});

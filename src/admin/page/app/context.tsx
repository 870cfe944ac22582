/// <reference lib="dom" />
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../lib/api';
import { errorMessage } from '../lib/format';
import { hasNavigated } from './routing';

export interface AdminContextValue {
  readonly portalId: number;
  /** `/portals/:id`, the prefix of every portal route. */
  readonly base: string;
  readonly nameOf: (id: string) => string;
  readonly kindOf: (id: string) => string | undefined;
  /** Reads the live rule set's names again (after a publish or rollback). */
  readonly reloadNames: () => Promise<void>;
  readonly toast: (message: string, kind?: 'ok' | 'error') => void;
  readonly signedOut: () => void;
  /** The rule-set text being edited, kept while the admin visits other views; null = the live one. */
  readonly draft: EditorDraft | null;
  readonly setDraft: (draft: EditorDraft | null) => void;
  /** The CSP nonce the page was served with, for libraries that add style elements. */
  readonly nonce: string | null;
}

export interface EditorDraft {
  readonly text: string;
  readonly baseVersion: number | null;
  readonly origin?: string;
}

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) throw new Error('useAdmin outside the admin shell');
  return value;
}

export type Loaded<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; data: T };

/**
 * Loads data for a view and reloads it on demand; a 401 sends the admin to the sign-in screen.
 * A late answer for an older request is dropped, so quick navigation never shows stale data.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => Promise<void>] {
  const { signedOut } = useAdmin();
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const generation = useRef(0);
  const run = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await load();
      if (mine === generation.current) setState({ status: 'ready', data });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        signedOut();
        return;
      }
      if (mine === generation.current) setState({ status: 'error', error });
    }
  }, deps);
  useEffect(() => {
    void run();
  }, [run]);
  return [state, run];
}

/** Runs an admin action; failures become an error toast instead of an unhandled rejection. */
export function useAction(): (action: () => Promise<void>) => Promise<void> {
  const { toast, signedOut } = useAdmin();
  return useCallback(
    async (action) => {
      try {
        await action();
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          signedOut();
          return;
        }
        toast(errorMessage(err), 'error');
      }
    },
    [toast, signedOut],
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  return (
    <div className="callout error" role="alert">
      <strong>Something went wrong. </strong>
      {errorMessage(error)}
    </div>
  );
}

export function Loading() {
  return <p className="loading">Loading…</p>;
}

/** Renders a loaded value, or its loading or error state. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'error') return <ErrorBox error={loaded.error} />;
  return <>{children(loaded.data)}</>;
}

/** The view's title: focused when the view opens, so screen readers announce where the admin is. */
export function PageHeading({ title, sub, actions }: { title: string; sub?: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (hasNavigated()) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <header className="page-head">
      <div>
        <h1 id="page-title" tabIndex={-1} ref={ref}>
          {title}
        </h1>
        {sub ? <p className="sub">{sub}</p> : null}
      </div>
      {actions ?? null}
    </header>
  );
}

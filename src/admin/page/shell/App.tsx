/// <reference lib="dom" />
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from '../lib/api';
import { setPersonaOrder } from '../lib/format';
import type { RuleSetDoc, Session } from '../lib/types';
import { AdminContext, ErrorBox, Loading, type AdminContextValue, type EditorDraft } from '../app/context';
import { useHashRoute } from '../app/routing';
import { VIEWS, type ViewKey } from './views';

type Boot = { status: 'loading' } | { status: 'signed-out' } | { status: 'error'; error: unknown } | { status: 'ready'; session: Session };

export function App() {
  const [boot, setBoot] = useState<Boot>({ status: 'loading' });
  useEffect(() => {
    api<Session>('GET', '/session').then(
      (session) => {
        setCsrfToken(session.csrfToken);
        setBoot({ status: 'ready', session });
      },
      (error: unknown) =>
        setBoot(error instanceof ApiError && error.status === 401 ? { status: 'signed-out' } : { status: 'error', error }),
    );
  }, []);
  if (boot.status === 'loading') return <Loading />;
  if (boot.status === 'signed-out') return <SignIn />;
  if (boot.status === 'error') return <ErrorBox error={boot.error} />;
  return <Shell session={boot.session} onSignedOut={() => setBoot({ status: 'signed-out' })} />;
}

function SignIn() {
  return (
    <main className="signin" id="main">
      <div className="signin-card">
        <div className="logo" aria-hidden="true">
          P
        </div>
        <h1>Personas admin</h1>
        <p>Define personas, preview their impact on your contacts, and publish with confidence.</p>
        <a className="btn primary big" href="/admin/signin" id="signin">
          Sign in with HubSpot
        </a>
        <p className="muted small">You sign in with the HubSpot account that installed the app.</p>
      </div>
    </main>
  );
}

interface Names {
  names: Map<string, string>;
  kinds: Map<string, string>;
  version: number;
}

function Shell({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const stored = Number(sessionStorage.getItem('portalId'));
  const [portalId, setPortalId] = useState<number | null>(
    session.portals.find((p) => p.portalId === stored)?.portalId ?? session.portals[0]?.portalId ?? null,
  );
  const [names, setNames] = useState<Names | null>(null);
  const [namesError, setNamesError] = useState<unknown>(null);
  const [toastState, setToastState] = useState<{ message: string; kind: 'ok' | 'error'; serial: number } | null>(null);
  const route = useHashRoute();
  const [draft, setDraft] = useState<EditorDraft | null>(null);

  const reloadNames = useCallback(async () => {
    if (portalId === null) return;
    try {
      const live = await api<{ version: number | null; ruleSet: RuleSetDoc }>('GET', `/portals/${portalId}/rule-sets/live`);
      setPersonaOrder(live.ruleSet.personas.filter((p) => p.kind !== 'negative').map((p) => p.id));
      const n = new Map(live.ruleSet.personas.map((p) => [p.id, p.name]));
      const k = new Map(live.ruleSet.personas.map((p) => [p.id, p.kind]));
      n.set(live.ruleSet.unassigned.id, live.ruleSet.unassigned.label);
      k.set(live.ruleSet.unassigned.id, 'unassigned');
      setNames((prev) => ({ names: n, kinds: k, version: (prev?.version ?? 0) + 1 }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onSignedOut();
      else setNamesError(error);
    }
  }, [portalId, onSignedOut]);
  useEffect(() => {
    setNames(null);
    void reloadNames();
  }, [reloadNames]);

  const toast = useCallback(
    (message: string, kind: 'ok' | 'error' = 'ok') => setToastState((t) => ({ message, kind, serial: (t?.serial ?? 0) + 1 })),
    [],
  );

  const context = useMemo<AdminContextValue | null>(
    () =>
      portalId === null || !names
        ? null
        : {
            portalId,
            base: `/portals/${portalId}`,
            nameOf: (id) => names.names.get(id) ?? id,
            kindOf: (id) => names.kinds.get(id),
            reloadNames,
            toast,
            signedOut: onSignedOut,
            draft,
            setDraft,
            nonce: cspNonce(),
          },
    [portalId, names, reloadNames, toast, onSignedOut, draft],
  );

  const view = VIEWS[route as ViewKey] ?? VIEWS.dashboard;
  useEffect(() => {
    document.title = `${view.label} · Personas admin`;
  }, [view]);

  const current = session.portals.find((p) => p.portalId === portalId);
  let body: ReactNode;
  if (portalId === null) body = <p className="empty">No installed portal yet. Install the app first.</p>;
  else if (namesError) body = <ErrorBox error={namesError} />;
  else if (!context) body = <Loading />;
  else
    body = (
      <AdminContext.Provider value={context}>
        <view.Component key={`${route}:${portalId}`} />
      </AdminContext.Provider>
    );

  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(ev) => {
          ev.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <div className="shell">
        <aside className="side">
          <div className="brand">
            <span className="logo" aria-hidden="true">
              P
            </span>
            <span>Personas</span>
          </div>
          <nav aria-label="Sections">
            <ul>
              {(Object.entries(VIEWS) as [ViewKey, (typeof VIEWS)[ViewKey]][]).map(([key, v]) => (
                <li key={key}>
                  <a href={`#/${key}`} aria-current={key === route ? 'page' : undefined}>
                    {v.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="side-foot">
            {session.portals.length > 1 ? (
              <select
                id="portal"
                aria-label="Portal"
                value={portalId ?? ''}
                onChange={(ev) => {
                  const id = Number(ev.target.value);
                  sessionStorage.setItem('portalId', String(id));
                  setPortalId(id);
                }}
              >
                {session.portals.map((p) => (
                  <option key={p.portalId} value={p.portalId}>
                    {p.hubDomain ?? String(p.portalId)}
                  </option>
                ))}
              </select>
            ) : (
              <div className="portal-name">{current?.hubDomain ?? (portalId ? `Portal ${portalId}` : 'No portal')}</div>
            )}
            <div className="muted small">{session.actor}</div>
            {session.via === 'session' ? (
              <button
                className="btn ghost small"
                type="button"
                id="signout"
                onClick={async () => {
                  await api('DELETE', '/session');
                  location.reload();
                }}
              >
                Sign out
              </button>
            ) : null}
          </div>
        </aside>
        <main id="main" tabIndex={-1}>
          {body}
        </main>
      </div>
      <Toast state={toastState} />
    </>
  );
}

function cspNonce(): string | null {
  return document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') || null;
}

/** A polite status message for screen readers and sighted users alike. */
function Toast({ state }: { state: { message: string; kind: 'ok' | 'error'; serial: number } | null }) {
  const [visible, setVisible] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!state) return;
    setVisible(true);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setVisible(false), 4500);
  }, [state]);
  return (
    <div id="toast" className={`toast${visible && state ? ` show ${state.kind}` : ''}`} role="status" aria-live="polite">
      {state?.message ?? ''}
    </div>
  );
}

/// <reference lib="dom" />
import { useRef, useState } from 'react';
import { api } from '../lib/api';
import { PageHeading, Show, useAction, useAdmin, useLoad } from '../app/context';
import { STAGE_LABEL, STAGES } from '../lib/format';
import type { GalleryPersona, ProfileDoc } from '../lib/types';

const PROFILE_LISTS: [keyof ProfileDoc & string, string][] = [
  ['goals', 'Goals'],
  ['challenges', 'Challenges'],
  ['channels', 'Channels'],
  ['objections', 'Objections'],
  ['talkingPoints', 'Talking points'],
];

export function GalleryView() {
  const { base, toast } = useAdmin();
  const act = useAction();
  const [loaded] = useLoad(() => api<{ version: number | null; personas: GalleryPersona[] }>('GET', `${base}/gallery/personas`), [base]);
  const [share, setShare] = useState<{ url: string } | 'revoked' | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const create = () => act(async () => setShare(await api<{ url: string }>('POST', `${base}/gallery/share`)));
  const revoke = () =>
    act(async () => {
      if (!window.confirm('Revoke every share link issued so far? People with an old link lose access.')) return;
      await api('POST', `${base}/gallery/share/revoke`);
      setShare('revoked');
      toast('Share links revoked');
    });
  const copy = async (url: string) => {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(url);
      toast('Link copied');
    } catch {
      toast('Select the link and copy it');
    }
  };
  return (
    <>
      <PageHeading
        title="Persona gallery"
        sub="Share these sheets with product and support: the link is read-only and needs no sign-in."
        actions={
          <div className="head-actions">
            <button className="btn primary" type="button" id="share" onClick={() => void create()}>
              Create share link
            </button>
            <button className="btn ghost" type="button" onClick={() => void revoke()}>
              Revoke links
            </button>
          </div>
        }
      />
      <div id="share-out" aria-live="polite">
        {share === 'revoked' ? (
          <p className="muted">All earlier links are revoked.</p>
        ) : share ? (
          <div className="share-box">
            <input ref={field} type="text" readOnly value={share.url} id="share-url" aria-label="Share link" />
            <button className="btn small" type="button" onClick={() => void copy(share.url)}>
              Copy
            </button>
            <a className="btn small ghost" href={share.url} target="_blank" rel="noopener">
              Open
            </a>
          </div>
        ) : null}
      </div>
      <Show loaded={loaded}>
        {(g) => (
          <div className="gallery">
            {g.personas.map((p) => (
              <Sheet key={p.id} p={p} />
            ))}
          </div>
        )}
      </Show>
    </>
  );
}

function Sheet({ p }: { p: GalleryPersona }) {
  return (
    <article className={`sheet kind-${p.kind}`} aria-labelledby={`sheet-${p.id}`}>
      <header>
        <img src={p.photoUrl} alt="" width={88} height={88} />
        <div>
          <h2 id={`sheet-${p.id}`}>{p.name}</h2>
          <p className="muted">{`${p.kind} persona · ${p.ruleCount} rules · threshold ${p.threshold}`}</p>
        </div>
      </header>
      {p.validation ? (
        <p className={`verdict verdict-${p.validation.status}`} data-testid={`verdict-${p.id}`} title={p.validation.explanation}>
          <strong>{p.validation.words}</strong>
          {` · ${p.validation.pilot ? `pilot “${p.validation.pilot}”, ` : ''}${p.validation.date}`}
        </p>
      ) : null}
      <p className="bio">{p.profile.bio}</p>
      <div className="sheet-grid">
        {PROFILE_LISTS.map(([key, label]) => {
          const items = (p.profile[key] as string[] | undefined) ?? [];
          return items.length ? (
            <section key={key}>
              <h3>{label}</h3>
              <ul>
                {items.map((i, n) => (
                  <li key={n}>{i}</li>
                ))}
              </ul>
            </section>
          ) : null;
        })}
      </div>
      {p.whatTheySay && p.whatTheySay.length > 0 ? (
        <section data-testid={`what-they-say-${p.id}`}>
          <h3>What they say</h3>
          <ul className="quotes">
            {p.whatTheySay.map((q, n) => (
              <li key={n}>
                <q>{q.comment}</q>{' '}
                <span className="muted">
                  {[q.type && q.score !== null ? `${q.type} ${q.score}` : q.type, q.date].filter(Boolean).join(' · ')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h3>Content by journey stage</h3>
        <div className="stage-grid">
          {STAGES.map((s) => {
            const items = p.profile.content?.[s] ?? [];
            return (
              <div key={s} className={`stage ${items.length ? '' : 'gap'}`}>
                <h4>{STAGE_LABEL[s]}</h4>
                {items.length ? (
                  <ul>
                    {items.map((i, n) => (
                      <li key={n}>{i}</li>
                    ))}
                  </ul>
                ) : (
                  <p>Missing</p>
                )}
              </div>
            );
          })}
        </div>
      </section>
    </article>
  );
}

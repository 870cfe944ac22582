/// <reference lib="dom" />
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import { ErrorBox, Loading, PageHeading, useAction, useAdmin, useLoad } from '../app/context';
import { fmtInt, plural } from '../lib/format';
import type { ContactDetail, Explanation } from '../lib/types';
import { PersonaPill, RuleFacts } from './ExplainBrief';

interface QueueItem {
  contactId: string;
  name: string | null;
  email: string | null;
  personaId: string;
  score: number;
  reason: 'close-call' | 'near-threshold' | 'changed';
  margin: number;
  explanation: Explanation | null;
}
interface QueuePage {
  size: number;
  items: QueueItem[];
  next: string | null;
}

const REASON: Record<QueueItem['reason'], string> = {
  'close-call': 'Close call',
  'near-threshold': 'Just unassigned, near a threshold',
  changed: 'Changed persona',
};

/**
 * Close calls, closest first, worked from the keyboard: ↑/↓ (or k/j) move, c confirms, p picks
 * another persona, d dismisses. Each decision is audited and takes the contact out of the queue.
 */
export function ReviewQueueView() {
  const { base } = useAdmin();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const [loaded, reload] = useLoad(
    () => api<QueuePage>('GET', `${base}/review-queue?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    [base, cursor],
  );
  const [selected, setSelected] = useState(0);
  const list = useRef<HTMLUListElement>(null);

  const focusRow = useCallback((index: number) => {
    setSelected(index);
    list.current?.querySelectorAll<HTMLButtonElement>('button.queue-row')[index]?.focus();
  }, []);

  const items = loaded.status === 'ready' ? loaded.data.items : [];
  const onDecided = async () => {
    await reload();
    setSelected((s) => Math.max(0, Math.min(s, items.length - 2)));
  };
  useEffect(() => {
    if (loaded.status !== 'ready') return;
    list.current
      ?.querySelectorAll<HTMLButtonElement>('button.queue-row')
      [Math.min(selected, loaded.data.items.length - 1)]?.focus({ preventScroll: true });
    // Focus follows the data: after a decision the next item is under the cursor.
  }, [loaded]);

  const onKeyDown = (ev: React.KeyboardEvent) => {
    if ((ev.target as HTMLElement).tagName === 'SELECT' || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === 'ArrowDown' || ev.key === 'j') {
      ev.preventDefault();
      focusRow(Math.min(items.length - 1, selected + 1));
    }
    if (ev.key === 'ArrowUp' || ev.key === 'k') {
      ev.preventDefault();
      focusRow(Math.max(0, selected - 1));
    }
  };

  return (
    <>
      <PageHeading
        title="Review queue"
        sub="Assignments that were close calls. Confirm them, pick another persona, or dismiss: every decision is audited."
      />
      {loaded.status === 'loading' ? (
        <Loading />
      ) : loaded.status === 'error' ? (
        <ErrorBox error={loaded.error} />
      ) : (
        <div className="queue-layout" onKeyDown={onKeyDown}>
          <section className="card" aria-labelledby="queue-h">
            <div className="card-head">
              <h2 id="queue-h">{`${plural(loaded.data.size, 'contact')} to review`}</h2>
              <span className="muted small">↑↓ move · c confirm · p pick · d dismiss</span>
            </div>
            {items.length === 0 ? (
              <p className="empty" id="queue-empty">
                Nothing to review.
              </p>
            ) : (
              <ul className="queue" id="queue" ref={list} aria-label="Contacts to review">
                {items.map((item, i) => (
                  <li key={item.contactId}>
                    <button
                      type="button"
                      className={`queue-row${i === selected ? ' selected' : ''}`}
                      aria-current={i === selected ? 'true' : undefined}
                      onFocus={() => setSelected(i)}
                      onClick={() => setSelected(i)}
                    >
                      <span className="result-name">{item.name ?? item.email ?? `Contact ${item.contactId}`}</span>
                      <span className="muted small">{`${REASON[item.reason]} · ${item.margin} pts`}</span>
                      <PersonaPill id={item.personaId} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <div className="actions">
              <button
                className="btn small"
                type="button"
                disabled={cursors.length === 1}
                onClick={() => {
                  setCursors((c) => c.slice(0, -1));
                  setSelected(0);
                }}
              >
                Previous page
              </button>
              <button
                className="btn small"
                type="button"
                disabled={!loaded.data.next}
                onClick={() => {
                  setCursors((c) => [...c, loaded.data.next]);
                  setSelected(0);
                }}
              >
                Next page
              </button>
            </div>
          </section>
          {items[selected] ? <ReviewItem key={items[selected].contactId} item={items[selected]} onDecided={onDecided} /> : null}
        </div>
      )}
    </>
  );
}

function ReviewItem({ item, onDecided }: { item: QueueItem; onDecided: () => Promise<void> }) {
  const { base, nameOf, toast } = useAdmin();
  const act = useAction();
  const [detail] = useLoad(
    () => api<ContactDetail>('GET', `${base}/contacts/${encodeURIComponent(item.contactId)}`),
    [base, item.contactId],
  );
  const picker = useRef<HTMLSelectElement>(null);
  const runnerUpId = item.explanation?.runnerUp?.personaId ?? null;
  const [choice, setChoice] = useState(runnerUpId ?? item.personaId);

  const decide = (body: { action: 'confirm' } | { action: 'dismiss' } | { action: 'pick'; personaId: string }) =>
    act(async () => {
      await api('POST', `${base}/review-queue/${encodeURIComponent(item.contactId)}`, body);
      toast(
        body.action === 'confirm'
          ? `Confirmed ${nameOf(item.personaId)}`
          : body.action === 'pick'
            ? `Set to ${nameOf(body.personaId)}`
            : 'Dismissed',
      );
      await onDecided();
    });

  // The shortcuts work wherever focus is in the queue, but never while typing in the picker.
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const target = ev.target as HTMLElement;
      if (
        !target.closest('.queue-layout') ||
        target.tagName === 'SELECT' ||
        target.tagName === 'INPUT' ||
        ev.altKey ||
        ev.ctrlKey ||
        ev.metaKey
      )
        return;
      if (ev.key === 'c') {
        ev.preventDefault();
        void decide({ action: 'confirm' });
      }
      if (ev.key === 'd') {
        ev.preventDefault();
        void decide({ action: 'dismiss' });
      }
      if (ev.key === 'p') {
        ev.preventDefault();
        picker.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const personas = detail.status === 'ready' ? detail.data.evaluation.personas : [];
  const computed = personas.find((p) => p.personaId === item.personaId);
  const other = personas.find((p) => p.personaId === runnerUpId);
  return (
    <section className="card review-item" aria-labelledby="review-item-h">
      <h2 id="review-item-h">{item.name ?? item.email ?? `Contact ${item.contactId}`}</h2>
      <p className="muted">{`${REASON[item.reason]}: ${item.margin} points between the outcomes.`}</p>
      {detail.status === 'loading' ? (
        <Loading />
      ) : detail.status === 'error' ? (
        <ErrorBox error={detail.error} />
      ) : (
        <div className="sample-cols" id="both-explanations">
          {[
            { title: 'The rules chose', p: computed },
            { title: 'Runner-up', p: other },
          ].map(({ title, p }) => (
            <div key={title} className="explain">
              <div className="explain-head">
                <span className="muted">{title}</span> {p ? <PersonaPill id={p.personaId} /> : <span className="muted">none</span>}
                {p ? <span className="muted">{` ${fmtInt(p.score)} / ${p.threshold} pts`}</span> : null}
              </div>
              {p ? (
                <ul className="rules">
                  {p.rules
                    .filter((r) => r.fired)
                    .map((r, i) => (
                      <li key={i}>
                        <span className={r.points < 0 ? 'neg' : 'pos'}>{`${r.points > 0 ? '+' : ''}${r.points}`}</span>
                        {` ${r.label}`}
                        <RuleFacts facts={r.facts} />
                      </li>
                    ))}
                </ul>
              ) : null}
            </div>
          ))}
        </div>
      )}
      <div className="actions">
        <button
          className="btn primary"
          type="button"
          id="review-confirm"
          onClick={() => void decide({ action: 'confirm' })}
        >{`Confirm ${nameOf(item.personaId)}`}</button>
        <label htmlFor="review-pick" className="sr-only">
          Pick another persona
        </label>
        <select
          id="review-pick"
          ref={picker}
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void decide({ action: 'pick', personaId: choice });
            }
          }}
        >
          {(detail.status === 'ready' ? detail.data.personas : []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <button className="btn" type="button" id="review-pick-btn" onClick={() => void decide({ action: 'pick', personaId: choice })}>
          Pick
        </button>
        <button className="btn ghost" type="button" id="review-dismiss" onClick={() => void decide({ action: 'dismiss' })}>
          Dismiss
        </button>
      </div>
    </section>
  );
}

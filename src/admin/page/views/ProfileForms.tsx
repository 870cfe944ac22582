import { useState, type ReactNode } from 'react';
import { personaColor, STAGE_LABEL, STAGES } from '../lib/format';
import type { PersonaDoc, ProfileDoc, RuleSetDoc } from '../lib/types';

const PROFILE_LISTS: [keyof ProfileDoc & string, string][] = [
  ['goals', 'Goals'],
  ['challenges', 'Challenges'],
  ['channels', 'Channels'],
  ['objections', 'Objections'],
  ['talkingPoints', 'Talking points'],
];

interface Props {
  doc: RuleSetDoc;
  /** Changes when the document came from the JSON side: only then are the fields refilled. */
  generation: number;
  onEdit: (doc: RuleSetDoc) => void;
}

/** A form per persona sheet; every edit is written back into the JSON. */
export function ProfileForms({ doc, generation, onEdit }: Props) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  if (!Array.isArray(doc.personas)) return null;
  const edit = (i: number, change: (p: PersonaDoc) => void) => {
    const next = structuredClone(doc);
    next.personas[i].profile ??= {} as ProfileDoc;
    change(next.personas[i]);
    onEdit(next);
  };
  return (
    <div id="profiles">
      {doc.personas.map((p, i) => {
        const prof = p.profile ?? ({} as ProfileDoc);
        const key = (name: string) => `${generation}:${i}:${name}`;
        return (
          <details
            key={i}
            className="profile-form"
            open={open.has(i)}
            onToggle={(ev) => {
              const isOpen = (ev.currentTarget as HTMLDetailsElement).open;
              setOpen((s) => {
                const n = new Set(s);
                if (isOpen) n.add(i);
                else n.delete(i);
                return n;
              });
            }}
          >
            <summary>
              <span className="swatch" style={{ background: personaColor(p.id, p.kind) }} />
              {p.name || p.id}
              <span className="muted">{` · ${p.kind}`}</span>
            </summary>
            <div className="form-grid">
              <Field label="Name">
                <input
                  key={key('name')}
                  type="text"
                  defaultValue={p.name ?? ''}
                  onChange={(e) =>
                    edit(i, (x) => {
                      x.name = e.target.value;
                    })
                  }
                />
              </Field>
              <Field label="Kind">
                <select
                  key={key('kind')}
                  defaultValue={p.kind}
                  onChange={(e) =>
                    edit(i, (x) => {
                      x.kind = e.target.value;
                    })
                  }
                >
                  {['customer', 'buyer', 'negative'].map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Threshold (points to qualify)">
                <NumberInput
                  key={key('threshold')}
                  value={p.threshold}
                  set={(v) =>
                    edit(i, (x) => {
                      x.threshold = v;
                    })
                  }
                />
              </Field>
              <Field label="Priority (wins ties)">
                <NumberInput
                  key={key('priority')}
                  value={p.priority ?? 0}
                  set={(v) =>
                    edit(i, (x) => {
                      x.priority = v;
                    })
                  }
                />
              </Field>
              <Committee
                key={key('committee')}
                persona={p}
                set={(v) =>
                  edit(i, (x) => {
                    if (v) x.committee = true;
                    else delete x.committee;
                  })
                }
              />
              <Field label="Photo URL">
                <input
                  key={key('photo')}
                  type="text"
                  defaultValue={prof.photoUrl ?? ''}
                  onChange={(e) =>
                    edit(i, (x) => {
                      x.profile.photoUrl = e.target.value;
                    })
                  }
                />
              </Field>
              <div className="wide">
                <Field label="Bio">
                  <textarea
                    key={key('bio')}
                    rows={3}
                    defaultValue={prof.bio ?? ''}
                    onChange={(e) =>
                      edit(i, (x) => {
                        x.profile.bio = e.target.value;
                      })
                    }
                  />
                </Field>
              </div>
              {PROFILE_LISTS.map(([k, label]) => (
                <Field key={k} label={`${label} (one per line)`}>
                  <LinesInput
                    key={key(k)}
                    value={prof[k] as string[] | undefined}
                    set={(v) =>
                      edit(i, (x) => {
                        (x.profile as Record<string, unknown>)[k] = v;
                      })
                    }
                  />
                </Field>
              ))}
              {STAGES.map((s) => (
                <Field key={s} label={`${STAGE_LABEL[s]} content (one per line)`}>
                  <LinesInput
                    key={key(s)}
                    value={prof.content?.[s]}
                    set={(v) =>
                      edit(i, (x) => {
                        x.profile.content = { ...x.profile.content, [s]: v };
                      })
                    }
                  />
                </Field>
              ))}
            </div>
          </details>
        );
      })}
    </div>
  );
}

/**
 * A negative persona cannot be part of the buying committee: the box is off and disabled for one,
 * and a negative persona that has it (typed in the JSON) says so until it is unticked.
 */
function Committee({ persona, set }: { persona: PersonaDoc; set: (v: boolean) => void }) {
  const negative = persona.kind === 'negative';
  const checked = persona.committee === true;
  return (
    <div className="field committee-field">
      <label>
        <input
          type="checkbox"
          name="committee"
          checked={checked}
          disabled={negative && !checked}
          aria-describedby={negative ? `committee-note-${persona.id}` : undefined}
          onChange={(e) => set(e.target.checked)}
        />{' '}
        Part of the buying committee
      </label>
      {negative ? (
        <span id={`committee-note-${persona.id}`} className={checked ? 'field-error' : 'muted small'} role={checked ? 'alert' : undefined}>
          {checked
            ? 'A negative persona cannot be part of the buying committee: untick it.'
            : 'Negative personas are never part of the buying committee.'}
        </span>
      ) : (
        <span className="muted small">Companies missing it show it as a gap.</span>
      )}
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

function NumberInput({ value, set }: { value: number; set: (v: number) => void }) {
  return (
    <input
      type="number"
      step="any"
      defaultValue={String(value ?? '')}
      onChange={(e) => {
        const v = e.target.value.trim();
        if (v !== '' && Number.isFinite(Number(v))) set(Number(v));
      }}
    />
  );
}

function LinesInput({ value, set }: { value: string[] | undefined; set: (v: string[]) => void }) {
  return (
    <textarea
      rows={3}
      defaultValue={(value ?? []).join('\n')}
      onChange={(e) =>
        set(
          e.target.value
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
        )
      }
    />
  );
}

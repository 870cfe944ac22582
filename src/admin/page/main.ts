/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiError, setCsrfToken } from './api';
import { fmtAgo, fmtInt, fmtPct, fmtTime, h, personaColor, replace, setPersonaOrder, svg, toast } from './dom';
import { findLocation, JsonSyntaxError, lineOf, locateJson } from './json-locate';

// ---- API shapes (what the server sends) -------------------------------------------------------
interface Session { actor: string; via: string; csrfToken: string | null; portals: { portalId: number; hubDomain: string | null }[] }
interface DistEntry { personaId: string; name: string; count: number; kind: string }
interface SyncRun { id: number; kind: string; status: string; startedAt: number; finishedAt: number | null; progress: { phase?: string; done: number; total?: number | null }; error: string | null }
interface Dashboard {
  portal: { portalId: number; hubDomain: string | null; state: string }; liveVersion: number | null; total: number; unassigned: number; unassignedShare: number;
  distribution: DistEntry[]; counts: { contacts: number; tickets: number }; sync: { current: SyncRun | null; recent: SyncRun[] };
  backlog: { pending: number; processing: number; failed: number; oldestPendingAt: number | null }; recentErrors: { at: number; source: string; message: string }[];
}
interface Explanation { firedRules: { label: string; points: number }[]; score: number; threshold: number | null; runnerUp: { personaId: string; score: number; threshold: number; qualifies: boolean } | null }
interface Brief { personaId: string; score: number; explanation: Explanation }
interface Preview {
  liveVersion: number | null; contacts: number; before: Record<string, number>; after: Record<string, number>; unchanged: number;
  moves: { from: string; to: string; count: number; samples: { contactId: string; email: string | null; name: string; before: Brief; after: Brief; formerUnderDraft: { personaId: string; score: number; threshold: number } | null }[] }[];
  coverage: { personaId: string; name: string; qualifying: number; primary: number }[]; unmatchedPersonas: string[];
  silentRules: { personaId: string; ruleIndex: number; label: string }[];
  changes: Change[];
}
interface VersionMeta { version: number; status: string; createdAt: number; createdBy: string; note: string | null }
interface Change { path: string; kind: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown }
interface AuditEntry { id: number; actor: string; action: string; target: string; at: number; diff: { fromVersion?: number | null; toVersion?: number; note?: string | null; changes?: Change[]; personaId?: string } | null }
interface RuleSetDoc { version: number; property: unknown; unassigned: { id: string; label: string }; journey?: unknown; personas: PersonaDoc[] }
interface PersonaDoc { id: string; name: string; kind: string; priority?: number; threshold: number; profile: ProfileDoc; rules: { label: string; points: number; when: unknown }[] }
interface ProfileDoc { bio: string; photoUrl: string; goals: string[]; challenges: string[]; channels: string[]; objections: string[]; talkingPoints: string[]; content: Record<string, string[]>; [k: string]: unknown }
interface PersonaEval { personaId: string; name: string; kind: string; threshold: number; score: number; qualifies: boolean; pointsMissing: number; rules: { label: string; points: number; fired: boolean }[] }
interface ContactDetail {
  contact: { id: string; email: string | null; properties: Record<string, string | null>; tickets: number }; ruleSetVersion: number | null;
  evaluation: { assignment: { personaId: string; assigned: boolean; score: number; secondary: string[]; journeyStage: string; explanation: Explanation }; personas: PersonaEval[]; nearest: { personaId: string; pointsMissing: number; suggestions: { label: string; points: number }[] } | null };
  stored: { personaId: string; score: number; computedAt: number; override: { persona: string; by: string | null; at: number } | null } | null;
  personas: { id: string; name: string }[];
}
interface GalleryPersona { id: string; name: string; kind: string; photoUrl: string; profile: ProfileDoc; ruleCount: number; threshold: number }

const STAGES = ['awareness', 'consideration', 'decision', 'advocacy'];
const STAGE_LABEL: Record<string, string> = { awareness: 'Awareness', consideration: 'Consideration', decision: 'Decision', advocacy: 'Advocacy' };
const PROFILE_LISTS: [keyof ProfileDoc, string][] = [['goals', 'Goals'], ['challenges', 'Challenges'], ['channels', 'Channels'], ['objections', 'Objections'], ['talkingPoints', 'Talking points']];

const state: { session: Session | null; portalId: number | null; names: Map<string, string>; kinds: Map<string, string> } = { session: null, portalId: null, names: new Map(), kinds: new Map() };
const P = () => `/portals/${state.portalId}`;
const nameOf = (id: string) => state.names.get(id) ?? id;

const main = () => document.getElementById('main')!;

function heading(title: string, sub?: string | Node, actions?: Node): HTMLElement {
  return h('header', { class: 'page-head' }, h('div', null, h('h1', { id: 'page-title', tabindex: -1 }, title), sub ? h('p', { class: 'sub' }, sub) : null), actions ?? null);
}

function errorBox(err: unknown): HTMLElement {
  const message = err instanceof Error ? err.message : String(err);
  return h('div', { class: 'callout error', role: 'alert' }, h('strong', null, 'Something went wrong. '), message);
}

async function loadNames(): Promise<void> {
  const live = await api<{ version: number | null; ruleSet: RuleSetDoc }>('GET', `${P()}/rule-sets/live`);
  setPersonaOrder(live.ruleSet.personas.filter((p) => p.kind !== 'negative').map((p) => p.id));
  state.names = new Map(live.ruleSet.personas.map((p) => [p.id, p.name]));
  state.kinds = new Map(live.ruleSet.personas.map((p) => [p.id, p.kind]));
  state.names.set(live.ruleSet.unassigned.id, live.ruleSet.unassigned.label);
  state.kinds.set(live.ruleSet.unassigned.id, 'unassigned');
}

// ---- Charts ---------------------------------------------------------------------------------
function barChart(rows: { id: string; label: string; value: number; kind?: string; compare?: number }[], title: string): Element {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.value, r.compare ?? 0)));
  const total = rows.reduce((a, r) => a + r.value, 0) || 1;
  const rowH = rows.some((r) => r.compare !== undefined) ? 40 : 30;
  const width = 640;
  const labelW = 240;
  const fit = (text: string) => (text.length > 30 ? `${text.slice(0, 29)}…` : text);
  const barW = width - labelW - 120;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${rows.length * rowH + 8}`, role: 'img', 'aria-label': title, class: 'chart' });
  chart.appendChild(svg('title', {}, title));
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const color = personaColor(r.id, r.kind);
    chart.appendChild(svg('text', { x: labelW - 10, y: y + (r.compare !== undefined ? 16 : 14), 'text-anchor': 'end', class: 'chart-label' }, svg('title', {}, r.label), fit(r.label)));
    if (r.compare !== undefined) {
      chart.appendChild(svg('rect', { x: labelW, y, width: Math.max(2, (r.compare / max) * barW), height: 12, rx: 3, fill: color, opacity: 0.35 }));
      chart.appendChild(svg('text', { x: labelW + Math.max(2, (r.compare / max) * barW) + 6, y: y + 10, class: 'chart-value muted' }, `${fmtInt(r.compare)} before`));
      chart.appendChild(svg('rect', { x: labelW, y: y + 15, width: Math.max(2, (r.value / max) * barW), height: 14, rx: 3, fill: color }));
      const delta = r.value - r.compare;
      chart.appendChild(svg('text', { x: labelW + Math.max(2, (r.value / max) * barW) + 6, y: y + 26, class: 'chart-value' }, `${fmtInt(r.value)} after${delta === 0 ? '' : ` (${delta > 0 ? '+' : ''}${fmtInt(delta)})`}`));
    } else {
      chart.appendChild(svg('rect', { x: labelW, y, width: barW, height: 18, rx: 4, fill: '#eef2f7' }));
      chart.appendChild(svg('rect', { x: labelW, y, width: Math.max(2, (r.value / max) * barW), height: 18, rx: 4, fill: color }));
      chart.appendChild(svg('text', { x: labelW + barW + 8, y: y + 14, class: 'chart-value' }, `${fmtInt(r.value)} · ${fmtPct(r.value / total)}`));
    }
  });
  return chart;
}

// ---- Dashboard ------------------------------------------------------------------------------
let dashboardTimer: number | undefined;
async function viewDashboard(): Promise<void> {
  window.clearTimeout(dashboardTimer);
  const d = await api<Dashboard>('GET', `${P()}/dashboard`);
  // While a sync runs, follow its progress; stop as soon as the admin leaves the dashboard.
  if (d.sync.current) {
    dashboardTimer = window.setTimeout(() => { if (['', 'dashboard'].includes(location.hash.replace(/^#\/?/, ''))) void viewDashboard().catch(() => undefined); }, 3000);
  }
  const run = d.sync.current ?? d.sync.recent[0] ?? null;
  const progress = run?.progress.total ? Math.min(1, run.progress.done / run.progress.total) : null;
  replace(main(),
    heading('Dashboard', `${d.portal.hubDomain ?? `Portal ${d.portal.portalId}`} · rule set ${d.liveVersion === null ? 'default (not yet published)' : `version ${d.liveVersion}`}`),
    h('section', { class: 'stats', 'aria-label': 'Key figures' },
      stat('Contacts scored', fmtInt(d.total), `${fmtInt(d.counts.contacts)} contacts stored`),
      stat('Assigned', fmtPct(d.total ? 1 - d.unassignedShare : 0), `${fmtInt(d.total - d.unassigned)} with a persona`),
      stat('Unassigned', fmtPct(d.unassignedShare), `${fmtInt(d.unassigned)} match no persona`, d.unassignedShare > 0.3 ? 'warn' : ''),
      stat('Webhook backlog', fmtInt(d.backlog.pending + d.backlog.processing), d.backlog.failed ? `${fmtInt(d.backlog.failed)} failed` : d.backlog.oldestPendingAt ? `oldest ${fmtAgo(d.backlog.oldestPendingAt)}` : 'all caught up', d.backlog.failed ? 'warn' : '')),
    h('div', { class: 'cols' },
      h('section', { class: 'card span2', 'aria-labelledby': 'dist-h' }, h('h2', { id: 'dist-h' }, 'Persona distribution'),
        d.total === 0 ? h('p', { class: 'empty' }, 'No contacts scored yet. They appear here after the first sync.')
          : barChart(d.distribution.filter((x) => x.count > 0 || x.kind !== 'retired').map((x) => ({ id: x.personaId, label: x.name, value: x.count, kind: x.kind })), 'Contacts per persona')),
      h('section', { class: 'card', 'aria-labelledby': 'sync-h' }, h('h2', { id: 'sync-h' }, 'Sync'),
        run ? h('div', null,
          h('p', null, h('span', { class: `badge ${run.status}` }, run.status), ' ', `${run.kind} sync`, run.progress.phase ? ` · ${run.progress.phase}` : ''),
          progress !== null ? h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(progress * 100), 'aria-label': 'Sync progress' }, h('div', { style: `width:${(progress * 100).toFixed(1)}%` })) : null,
          h('p', { class: 'muted' }, `${fmtInt(run.progress.done)}${run.progress.total ? ` of ${fmtInt(run.progress.total)}` : ''} processed · started ${fmtAgo(run.startedAt)}${run.finishedAt ? ` · finished ${fmtAgo(run.finishedAt)}` : ''}`),
          h('h3', null, 'Recent runs'),
          h('ul', { class: 'runs' }, d.sync.recent.slice(0, 5).map((r) => h('li', null, h('span', { class: `dot ${r.status}`, 'aria-hidden': 'true' }), `${r.kind} · ${r.status} · ${fmtAgo(r.startedAt)}`))))
          : h('p', { class: 'empty' }, 'No sync has run yet.'),
        h('h3', null, 'Recent errors'),
        d.recentErrors.length === 0 ? h('p', { class: 'ok-text' }, 'No recent errors.')
          : h('ul', { class: 'errors' }, d.recentErrors.map((e) => h('li', null, h('strong', null, e.source), ` · ${fmtAgo(e.at)}`, h('div', { class: 'muted' }, e.message)))))));
}

function stat(label: string, value: string, note: string, tone = ''): HTMLElement {
  return h('div', { class: `stat ${tone}` }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-note' }, note));
}

// ---- Rule set -------------------------------------------------------------------------------
const editor: { text: string; previewedText: string | null; liveVersion: number | null } = { text: '', previewedText: null, liveVersion: null };

async function viewRuleSet(): Promise<void> {
  const [live, versions, audit] = await Promise.all([
    api<{ version: number | null; ruleSet: RuleSetDoc }>('GET', `${P()}/rule-sets/live`),
    api<{ versions: VersionMeta[] }>('GET', `${P()}/rule-sets/versions`),
    api<{ entries: AuditEntry[] }>('GET', `${P()}/audit?limit=30`),
  ]);
  if (!editor.text || editor.liveVersion !== live.version) {
    editor.text = JSON.stringify(live.ruleSet, null, 2);
    editor.previewedText = null;
    editor.liveVersion = live.version;
  }

  const textarea = h('textarea', { id: 'ruleset-json', class: 'code', spellcheck: 'false', autocomplete: 'off', wrap: 'off', 'aria-describedby': 'problems-summary' }) as HTMLTextAreaElement;
  textarea.value = editor.text;
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const problems = h('div', { id: 'problems', 'aria-live': 'polite' });
  const profiles = h('div', { id: 'profiles' });
  const previewBox = h('div', { id: 'preview' });
  const note = h('input', { id: 'publish-note', type: 'text', placeholder: 'What changed and why (optional)', maxlength: 500 }) as HTMLInputElement;
  const publishBtn = h('button', { class: 'btn primary', id: 'publish', type: 'button', disabled: true, title: 'Preview the current text first' }, 'Publish') as HTMLButtonElement;
  const previewBtn = h('button', { class: 'btn', id: 'preview-btn', type: 'button' }, 'Preview impact') as HTMLButtonElement;

  const renderGutter = () => {
    const lines = textarea.value.split('\n').length;
    gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join('\n');
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; });

  const jumpTo = (start: number, end: number) => {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    const line = lineOf(textarea.value, start);
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 4) * lineHeight);
  };

  let validateTimer: number | undefined;
  let formChanged = false;
  const refreshState = () => {
    editor.text = textarea.value;
    const fresh = editor.previewedText === textarea.value;
    publishBtn.disabled = !fresh;
    publishBtn.title = fresh ? 'Publish this rule set as a new version' : 'Preview the current text first';
  };

  async function validateNow(): Promise<boolean> {
    const fromForm = formChanged;
    formChanged = false;
    let parsed: ReturnType<typeof locateJson>;
    try {
      parsed = locateJson(textarea.value);
    } catch (err) {
      const pos = err instanceof JsonSyntaxError ? err.position : 0;
      replace(problems, h('p', { id: 'problems-summary', class: 'problems-head bad' }, 'The text is not valid JSON'),
        h('ul', { class: 'problems' }, h('li', null, h('button', { type: 'button', class: 'link', onclick: () => jumpTo(pos, pos + 1) }, `line ${lineOf(textarea.value, pos)}`), ' ', (err as Error).message)));
      return false;
    }
    const result = await api<{ ok: boolean; errors: { path: string; message: string }[] }>('POST', `${P()}/rule-sets/validate`, { ruleSet: parsed.value });
    if (result.ok) {
      replace(problems, h('p', { id: 'problems-summary', class: 'problems-head good' }, '✓ Valid rule set'));
      // A change made in the form must not rebuild the form under the admin's cursor.
      if (!fromForm) renderProfiles(parsed.value as RuleSetDoc);
      return true;
    }
    replace(problems,
      h('p', { id: 'problems-summary', class: 'problems-head bad' }, `${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} to fix`),
      h('ul', { class: 'problems' }, result.errors.map((e) => {
        const loc = findLocation(parsed.locations, e.path);
        const index = /^personas\[(\d+)\]/.exec(e.path);
        const persona = index ? (parsed.value as RuleSetDoc).personas?.[Number(index[1])] : undefined;
        return h('li', null,
          h('button', { type: 'button', class: 'link mono', onclick: () => loc && jumpTo(loc.start, loc.end), title: 'Show in the editor' }, e.path || '(root)'),
          loc ? h('span', { class: 'muted' }, ` line ${lineOf(textarea.value, loc.start)}`) : null,
          persona && typeof persona.name === 'string' ? h('div', { class: 'muted small' }, `in ${persona.name}`) : null,
          h('div', null, e.message));
      })));
    return false;
  }

  textarea.addEventListener('input', () => {
    renderGutter();
    refreshState();
    window.clearTimeout(validateTimer);
    validateTimer = window.setTimeout(() => { void validateNow().catch(() => undefined); }, 400);
  });
  textarea.addEventListener('keydown', (ev) => {
    // Tab indents inside the editor; Escape then Tab leaves it, so keyboard users are never trapped.
    if (ev.key === 'Tab' && !ev.shiftKey && textarea.dataset.escaped !== '1') {
      ev.preventDefault();
      const { selectionStart: s, selectionEnd: e } = textarea;
      textarea.setRangeText('  ', s, e, 'end');
      textarea.dispatchEvent(new Event('input'));
    } else if (ev.key === 'Escape') textarea.dataset.escaped = '1';
    else textarea.dataset.escaped = '';
  });

  function renderProfiles(doc: RuleSetDoc): void {
    if (!Array.isArray(doc.personas)) { replace(profiles); return; }
    const open = new Set([...profiles.querySelectorAll('details')].map((d, i) => (d.open ? i : -1)).filter((i) => i >= 0));
    const update = () => {
      formChanged = true;
      textarea.value = JSON.stringify(doc, null, 2);
      textarea.dispatchEvent(new Event('input'));
    };
    replace(profiles, doc.personas.map((p, i) => {
      const field = (label: string, input: HTMLElement) => h('label', { class: 'field' }, h('span', null, label), input);
      const text = (value: string, set: (v: string) => void, multiline = false) => {
        const el = h(multiline ? 'textarea' : 'input', multiline ? { rows: 3 } : { type: 'text' }) as HTMLInputElement;
        el.value = value ?? '';
        el.addEventListener('change', () => { set(el.value); update(); });
        return el;
      };
      const lines = (value: string[], set: (v: string[]) => void) => {
        const el = h('textarea', { rows: 3 }) as HTMLTextAreaElement;
        el.value = (value ?? []).join('\n');
        el.addEventListener('change', () => { set(el.value.split('\n').map((l) => l.trim()).filter(Boolean)); update(); });
        return el;
      };
      const number = (value: number, set: (v: number) => void) => {
        const el = h('input', { type: 'number', step: 'any' }) as HTMLInputElement;
        el.value = String(value ?? '');
        el.addEventListener('change', () => { if (el.value.trim() !== '' && Number.isFinite(Number(el.value))) { set(Number(el.value)); update(); } });
        return el;
      };
      const kindSelect = (value: string, set: (v: string) => void) => {
        const el = h('select', null, ['customer', 'buyer', 'negative'].map((k) => h('option', { value: k }, k))) as HTMLSelectElement;
        el.value = value;
        el.addEventListener('change', () => set(el.value));
        return el;
      };
      const prof = p.profile ?? ({} as ProfileDoc);
      return h('details', { class: 'profile-form', open: open.has(i) },
        h('summary', null, h('span', { class: 'swatch', style: `background:${personaColor(p.id, p.kind)}` }), p.name || p.id, h('span', { class: 'muted' }, ` · ${p.kind}`)),
        h('div', { class: 'form-grid' },
          field('Name', text(p.name, (v) => { doc.personas[i].name = v; })),
          field('Kind', kindSelect(p.kind, (v) => { doc.personas[i].kind = v; update(); })),
          field('Threshold (points to qualify)', number(p.threshold, (v) => { doc.personas[i].threshold = v; })),
          field('Priority (wins ties)', number(p.priority ?? 0, (v) => { doc.personas[i].priority = v; })),
          field('Photo URL', text(prof.photoUrl, (v) => { prof.photoUrl = v; })),
          h('div', { class: 'wide' }, field('Bio', text(prof.bio, (v) => { prof.bio = v; }, true))),
          PROFILE_LISTS.map(([key, label]) => field(`${label} (one per line)`, lines(prof[key] as string[], (v) => { (prof as Record<string, unknown>)[key] = v; }))),
          STAGES.map((s) => field(`${STAGE_LABEL[s]} content (one per line)`, lines(prof.content?.[s] ?? [], (v) => { prof.content = { ...prof.content, [s]: v }; })))));
    }));
  }

  previewBtn.addEventListener('click', async () => {
    previewBtn.disabled = true;
    previewBtn.textContent = 'Previewing…';
    try {
      if (!(await validateNow())) { toast('Fix the problems listed first', 'error'); return; }
      const text = textarea.value;
      const preview = await api<Preview>('POST', `${P()}/rule-sets/preview`, { ruleSet: JSON.parse(text) });
      editor.previewedText = text;
      refreshState();
      renderPreview(previewBox, preview, JSON.parse(text) as RuleSetDoc);
      previewBox.scrollIntoView({ behavior: 'smooth', block: 'start' });
      (previewBox.querySelector('h2') as HTMLElement | null)?.focus();
    } catch (err) {
      replace(previewBox, errorBox(err));
    } finally {
      previewBtn.disabled = false;
      previewBtn.textContent = 'Preview impact';
    }
  });

  publishBtn.addEventListener('click', async () => {
    if (!window.confirm('Publish this rule set? Contacts are rescored and changed personas are written to HubSpot.')) return;
    publishBtn.disabled = true;
    try {
      const result = await api<{ version: VersionMeta; changes: Change[] }>('POST', `${P()}/rule-sets/publish`, { ruleSet: JSON.parse(textarea.value), note: note.value || null });
      toast(`Published version ${result.version.version} (${result.changes.length} change${result.changes.length === 1 ? '' : 's'})`);
      editor.text = '';
      await loadNames();
      await viewRuleSet();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
      if (err instanceof ApiError && err.details.length) void validateNow();
      publishBtn.disabled = false;
    }
  });

  const resetBtn = h('button', { class: 'btn ghost', type: 'button', onclick: () => { editor.text = ''; void viewRuleSet(); } }, 'Discard changes');

  replace(main(),
    heading('Rule set', live.version === null ? 'The default rule set is live; publish to make your own version 1.' : `Version ${live.version} is live.`),
    h('div', { class: 'editor-layout' },
      h('section', { class: 'card editor-card', 'aria-labelledby': 'json-h' },
        h('div', { class: 'card-head' }, h('h2', { id: 'json-h' }, h('label', { for: 'ruleset-json' }, 'Rule set JSON')), h('span', { class: 'muted small' }, 'Tab indents · Esc then Tab leaves the editor')),
        h('div', { class: 'code-wrap' }, gutter, textarea),
        h('div', { class: 'actions' }, previewBtn, h('label', { class: 'sr-only', for: 'publish-note' }, 'Publish note'), note, publishBtn, resetBtn)),
      h('aside', { class: 'card problems-card', 'aria-labelledby': 'problems-h' }, h('h2', { id: 'problems-h' }, 'Validation'), problems)),
    h('section', { class: 'card', 'aria-labelledby': 'profiles-h' }, h('h2', { id: 'profiles-h' }, 'Persona profiles'), h('p', { class: 'muted' }, 'Edit the sheets here; the JSON follows.'), profiles),
    previewBox,
    h('div', { class: 'history' },
      h('section', { class: 'card', 'aria-labelledby': 'versions-h' }, h('h2', { id: 'versions-h' }, 'Versions'), versionsTable(versions.versions, live.version)),
      h('section', { class: 'card', 'aria-labelledby': 'audit-h' }, h('h2', { id: 'audit-h' }, 'Audit log'), auditList(audit.entries))));
  renderGutter();
  refreshState();
  void validateNow().catch(() => undefined);
}

function versionsTable(versions: VersionMeta[], liveVersion: number | null): HTMLElement {
  if (versions.length === 0) return h('p', { class: 'empty' }, 'Nothing published yet.');
  return h('table', { class: 'table', id: 'versions' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Published'), h('th', { scope: 'col' }, ''))),
    h('tbody', null, versions.map((v) => h('tr', { 'data-version': v.version },
      h('td', null, h('strong', null, `v${v.version}`), v.version === liveVersion ? h('span', { class: 'badge live' }, 'live') : null, v.note ? h('div', { class: 'muted small' }, v.note) : null),
      h('td', null, fmtTime(v.createdAt), h('div', { class: 'muted small' }, v.createdBy)),
      h('td', { class: 'row-actions' }, h('button', {
        class: 'btn small ghost', type: 'button', 'aria-label': `Open version ${v.version} in the editor`,
        onclick: async () => {
          const full = await api<{ body: unknown }>('GET', `${P()}/rule-sets/versions/${v.version}`);
          const area = document.getElementById('ruleset-json') as HTMLTextAreaElement;
          area.value = JSON.stringify(full.body, null, 2);
          area.dispatchEvent(new Event('input'));
          area.focus();
          area.scrollIntoView({ behavior: 'smooth', block: 'center' });
          toast(`Version ${v.version} is in the editor: preview it, then publish`);
        },
      }, 'Open'), v.version === liveVersion ? null : h('button', {
        class: 'btn small', type: 'button', 'aria-label': `Roll back to version ${v.version}`,
        onclick: async () => {
          if (!window.confirm(`Roll back to version ${v.version}? It is republished as a new version and contacts are rescored.`)) return;
          try {
            const r = await api<{ version: VersionMeta }>('POST', `${P()}/rule-sets/rollback/${v.version}`);
            toast(`Rolled back: version ${r.version.version} now holds version ${v.version}'s rules`);
            editor.text = '';
            await loadNames();
            await viewRuleSet();
          } catch (err) { toast(err instanceof Error ? err.message : String(err), 'error'); }
        },
      }, 'Roll back')))))) ;
}

const short = (v: unknown) => { const s = JSON.stringify(v); return s === undefined ? '—' : s.length > 80 ? `${s.slice(0, 77)}…` : s; };

function diffList(changes: Change[]): HTMLElement {
  return h('ul', { class: 'diff' }, changes.slice(0, 200).map((c) => h('li', { class: c.kind },
    h('span', { class: 'mono' }, c.path), ' ',
    c.kind === 'changed' ? [h('del', null, short(c.before)), ' → ', h('ins', null, short(c.after))] : c.kind === 'added' ? h('ins', null, `added ${short(c.after)}`) : h('del', null, `removed ${short(c.before)}`))));
}

function auditTitle(e: AuditEntry): string {
  const version = e.diff?.toVersion;
  switch (e.action) {
    case 'ruleset.publish': return `Published version ${version ?? e.target}`;
    case 'ruleset.rollback': return `Rolled back: version ${version ?? e.target}`;
    case 'override.set': return `Override on ${e.target.replace('contact:', 'contact ')}: ${nameOf(e.diff?.personaId ?? '')}`;
    case 'override.clear': return `Override cleared on ${e.target.replace('contact:', 'contact ')}`;
    case 'share.create': return 'Share link created';
    case 'share.revoke': return 'Share links revoked';
    default: return `${e.action} ${e.target}`;
  }
}

function auditList(entries: AuditEntry[]): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'empty' }, 'No changes recorded yet.');
  return h('ol', { class: 'audit', id: 'audit' }, entries.map((e) => {
    const changes = e.diff?.changes ?? [];
    return h('li', null,
      h('div', null, h('strong', null, auditTitle(e)), h('span', { class: 'muted' }, ` · ${e.actor} · ${fmtTime(e.at)}`)),
      e.diff?.note ? h('div', { class: 'muted' }, e.diff.note) : null,
      changes.length ? h('details', null, h('summary', null, `${changes.length} change${changes.length === 1 ? '' : 's'}`),
        diffList(changes)) : null);
  }));
}

function renderPreview(box: HTMLElement, p: Preview, draft: RuleSetDoc): void {
  const draftNames = new Map(draft.personas.map((x) => [x.id, x.name]));
  draftNames.set(draft.unassigned.id, draft.unassigned.label);
  const kinds = new Map(draft.personas.map((x) => [x.id, x.kind]));
  kinds.set(draft.unassigned.id, 'unassigned');
  const label = (id: string) => draftNames.get(id) ?? state.names.get(id) ?? id;
  const ids = [...new Set([...draft.personas.map((x) => x.id), draft.unassigned.id, ...Object.keys(p.before), ...Object.keys(p.after)])];
  const moved = p.contacts - p.unchanged;
  const samples = h('div', { id: 'samples' });

  const showSamples = (m: Preview['moves'][number]) => {
    replace(samples, h('h3', { tabindex: -1 }, `${label(m.from)} → ${label(m.to)}: ${fmtInt(m.count)} contact${m.count === 1 ? '' : 's'}`),
      h('div', { class: 'samples' }, m.samples.map((s) => h('article', { class: 'sample' },
        h('h4', null, s.name, s.email ? h('span', { class: 'muted' }, ` · ${s.email}`) : null),
        h('div', { class: 'sample-cols' }, explainBrief('Before', s.before, label), explainBrief('After', s.after, label)),
        s.formerUnderDraft ? h('p', { class: 'why small' }, `Why: ${label(s.formerUnderDraft.personaId)} now scores ${s.formerUnderDraft.score} / ${s.formerUnderDraft.threshold}`,
          s.formerUnderDraft.score >= s.formerUnderDraft.threshold ? ' but is outranked' : ', below its threshold', ` (was ${s.before.score}).`) : null))));
    (samples.querySelector('h3') as HTMLElement).focus();
  };

  const fromIds = [...new Set(p.moves.map((m) => m.from))];
  const toIds = [...new Set(p.moves.map((m) => m.to))];
  replace(box, h('section', { class: 'card preview', 'aria-labelledby': 'preview-h' },
    h('h2', { id: 'preview-h', tabindex: -1 }, 'Preview: what publishing would change'),
    h('p', { class: 'lead' }, `${fmtInt(p.contacts)} stored contacts scored against version ${p.liveVersion ?? 'default'} and the draft. `,
      h('strong', null, `${fmtInt(moved)} would change persona`), ` (${fmtPct(p.contacts ? moved / p.contacts : 0)}).`),
    p.changes.length === 0 ? h('p', { class: 'callout' }, 'The draft is identical to the live rule set.') :
      h('details', { class: 'changes' }, h('summary', null, `${p.changes.length} change${p.changes.length === 1 ? '' : 's'} to the rules`), diffList(p.changes)),
    h('div', { class: 'cols' },
      h('div', { class: 'span2' }, h('h3', null, 'Distribution before and after'),
        barChart(ids.map((id) => ({ id, label: label(id), value: p.after[id] ?? 0, compare: p.before[id] ?? 0, kind: kinds.get(id) ?? state.kinds.get(id) })), 'Contacts per persona before and after')),
      h('div', null,
        h('h3', null, 'Personas no contact would match'),
        p.unmatchedPersonas.length ? h('ul', { class: 'warn-list', id: 'unmatched' }, p.unmatchedPersonas.map((id) => h('li', null, label(id)))) : h('p', { class: 'ok-text' }, 'Every persona matches someone.'),
        h('h3', null, 'Rules that never fire'),
        p.silentRules.length ? h('ul', { class: 'warn-list', id: 'silent-rules' }, p.silentRules.map((r) => h('li', null, h('strong', null, label(r.personaId)), `: ${r.label}`))) : h('p', { class: 'ok-text' }, 'Every rule fires for someone.'))),
    h('h3', null, 'Who moves where'),
    p.moves.length === 0 ? h('p', { class: 'empty' }, 'No contact changes persona.') :
      h('div', { class: 'table-scroll' }, h('table', { class: 'table matrix', id: 'moves' },
        h('caption', { class: 'sr-only' }, 'Contacts moving from a persona (rows) to another (columns); choose a count to see sample contacts'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'From \\ To'), toIds.map((id) => h('th', { scope: 'col' }, label(id))))),
        h('tbody', null, fromIds.map((from) => h('tr', null, h('th', { scope: 'row' }, label(from)), toIds.map((to) => {
          const m = p.moves.find((x) => x.from === from && x.to === to);
          return h('td', null, m ? h('button', { type: 'button', class: 'cell-btn', onclick: () => showSamples(m), 'aria-label': `${m.count} from ${label(from)} to ${label(to)}: show samples` }, fmtInt(m.count)) : h('span', { class: 'muted' }, '·'));
        })))))),
    samples));
  if (p.moves[0]) showSamplesQuiet(p.moves[0]);
  function showSamplesQuiet(m: Preview['moves'][number]) { showSamples(m); (box.querySelector('h2') as HTMLElement).focus(); }
}

function explainBrief(title: string, b: Brief, label: (id: string) => string): HTMLElement {
  const e = b.explanation;
  return h('div', { class: 'explain' },
    h('div', { class: 'explain-head' }, h('span', { class: 'muted' }, title), ' ', h('span', { class: 'pill', style: `--c:${personaColor(b.personaId, state.kinds.get(b.personaId))}` }, label(b.personaId)),
      e.threshold !== null ? h('span', { class: 'muted' }, ` ${b.score} / ${e.threshold} pts`) : null),
    e.firedRules.length ? h('ul', { class: 'rules' }, e.firedRules.map((r) => h('li', null, h('span', { class: r.points < 0 ? 'neg' : 'pos' }, `${r.points > 0 ? '+' : ''}${r.points}`), ` ${r.label}`)))
      : h('p', { class: 'muted small' }, e.threshold === null ? 'No persona reaches its threshold' : 'No rule fired'),
    e.runnerUp ? h('p', { class: 'muted small' }, `Runner-up: ${label(e.runnerUp.personaId)} with ${e.runnerUp.score} / ${e.runnerUp.threshold}`) : null);
}

// ---- Contacts ------------------------------------------------------------------------------
async function viewContacts(): Promise<void> {
  const input = h('input', { id: 'contact-q', type: 'search', placeholder: 'Name, email or contact id', autocomplete: 'off' }) as HTMLInputElement;
  const results = h('div', { id: 'contact-results', 'aria-live': 'polite' });
  const detail = h('div', { id: 'contact-detail' });
  const search = async (ev?: Event) => {
    ev?.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    const r = await api<{ contacts: { id: string; email: string | null; name: string | null; jobtitle: string | null; company: string | null; personaId: string | null; overridePersona: string | null }[] }>('GET', `${P()}/contacts?q=${encodeURIComponent(q)}`);
    replace(results, r.contacts.length === 0 ? h('p', { class: 'empty' }, `No contact matches “${q}”.`) :
      h('ul', { class: 'results' }, r.contacts.map((c) => h('li', null, h('button', { type: 'button', class: 'result', onclick: () => void showContact(c.id, detail) },
        h('span', { class: 'result-name' }, c.name ?? c.email ?? `Contact ${c.id}`),
        h('span', { class: 'muted small' }, [c.email, c.jobtitle, c.company].filter(Boolean).join(' · ')),
        c.personaId ? h('span', { class: 'pill', style: `--c:${personaColor(c.overridePersona ?? c.personaId, state.kinds.get(c.overridePersona ?? c.personaId))}` }, nameOf(c.overridePersona ?? c.personaId), c.overridePersona ? ' ✎' : '') : null)))));
  };
  replace(main(), heading('Contacts', 'Why a contact has its persona, and a manual override when you know better.'),
    h('form', { class: 'search', role: 'search', onsubmit: (ev: Event) => void search(ev) }, h('label', { for: 'contact-q', class: 'sr-only' }, 'Search contacts'), input, h('button', { class: 'btn primary', type: 'submit' }, 'Search')),
    h('div', { class: 'contacts-layout' }, results, detail));
  input.focus();
}

async function showContact(contactId: string, box: HTMLElement): Promise<void> {
  const d = await api<ContactDetail>('GET', `${P()}/contacts/${encodeURIComponent(contactId)}`);
  const a = d.evaluation.assignment;
  const props = d.contact.properties;
  const override = d.stored?.override ?? null;
  const select = h('select', { id: 'override-persona' }, d.personas.map((p) => h('option', { value: p.id }, p.name))) as HTMLSelectElement;
  select.value = override?.persona ?? a.personaId;
  const setOverride = async () => {
    try { await api('PUT', `${P()}/contacts/${encodeURIComponent(contactId)}/override`, { personaId: select.value }); toast('Override saved'); await showContact(contactId, box); }
    catch (err) { toast(err instanceof Error ? err.message : String(err), 'error'); }
  };
  const clearOverride = async () => {
    try { await api('DELETE', `${P()}/contacts/${encodeURIComponent(contactId)}/override`); toast('Override cleared; the rules decide again'); await showContact(contactId, box); }
    catch (err) { toast(err instanceof Error ? err.message : String(err), 'error'); }
  };
  replace(box, h('section', { class: 'card', 'aria-labelledby': 'contact-h' },
    h('h2', { id: 'contact-h', tabindex: -1 }, [props.firstname, props.lastname].filter(Boolean).join(' ') || d.contact.email || `Contact ${d.contact.id}`),
    h('p', { class: 'muted' }, [d.contact.email, props.jobtitle, props.company, `${d.contact.tickets} ticket${d.contact.tickets === 1 ? '' : 's'}`, `stage: ${a.journeyStage}`].filter(Boolean).join(' · ')),
    h('div', { class: 'assignment' },
      h('div', null, h('div', { class: 'muted small' }, 'The rules say'), h('span', { class: 'pill big', style: `--c:${personaColor(a.personaId, state.kinds.get(a.personaId))}` }, nameOf(a.personaId)),
        a.assigned ? h('span', { class: 'muted' }, ` ${a.score} / ${a.explanation.threshold} pts`) : null,
        a.secondary.length ? h('div', { class: 'muted small' }, `Also qualifies: ${a.secondary.map(nameOf).join(', ')}`) : null),
      h('div', null, h('div', { class: 'muted small' }, 'Manual override'),
        override ? h('div', null, h('span', { class: 'pill big', style: `--c:${personaColor(override.persona, state.kinds.get(override.persona))}` }, nameOf(override.persona)), h('div', { class: 'muted small' }, `by ${override.by ?? 'someone in HubSpot'} · ${fmtTime(override.at)}`)) : h('div', { class: 'muted' }, 'None'),
        h('div', { class: 'override-controls' }, h('label', { for: 'override-persona', class: 'sr-only' }, 'Override persona'), select,
          h('button', { class: 'btn small', type: 'button', onclick: () => void setOverride() }, 'Set override'),
          override ? h('button', { class: 'btn small ghost', type: 'button', onclick: () => void clearOverride() }, 'Clear override') : null))),
    d.evaluation.nearest ? h('p', { class: 'callout' }, `Closest: ${nameOf(d.evaluation.nearest.personaId)}, ${d.evaluation.nearest.pointsMissing} points short. `, d.evaluation.nearest.suggestions.slice(0, 3).map((s) => `${s.label} (+${s.points})`).join(', ')) : null,
    h('h3', null, 'Every persona, every rule'),
    h('div', { class: 'persona-evals' }, d.evaluation.personas.map((pe) => {
      const ratio = pe.threshold > 0 ? Math.max(0, Math.min(1, pe.score / pe.threshold)) : pe.qualifies ? 1 : 0;
      return h('article', { class: `persona-eval ${pe.personaId === a.personaId ? 'primary' : ''}` },
        h('div', { class: 'pe-head' }, h('strong', null, pe.name), h('span', { class: pe.qualifies ? 'badge succeeded' : 'badge' }, pe.qualifies ? 'qualifies' : `${pe.pointsMissing} pts short`)),
        h('div', { class: 'meter', role: 'img', 'aria-label': `${pe.score} of ${pe.threshold} points` }, h('div', { style: `width:${(ratio * 100).toFixed(0)}%;background:${personaColor(pe.personaId, pe.kind)}` })),
        h('div', { class: 'muted small' }, `${pe.score} / ${pe.threshold} points`),
        h('ul', { class: 'rule-results' }, pe.rules.map((r) => h('li', { class: r.fired ? 'fired' : 'idle' },
          h('span', { class: 'mark', 'aria-hidden': 'true' }, r.fired ? '✓' : '·'), h('span', { class: 'sr-only' }, r.fired ? 'fired: ' : 'did not fire: '),
          r.label, h('span', { class: r.points < 0 ? 'neg pts' : 'pts' }, `${r.points > 0 ? '+' : ''}${r.points}`)))));
    }))));
  (box.querySelector('h2') as HTMLElement).focus();
}

// ---- Gallery & content matrix --------------------------------------------------------------
async function viewGallery(): Promise<void> {
  const g = await api<{ version: number | null; personas: GalleryPersona[] }>('GET', `${P()}/gallery/personas`);
  const shareOut = h('div', { id: 'share-out', 'aria-live': 'polite' });
  const share = async () => {
    const r = await api<{ url: string }>('POST', `${P()}/gallery/share`);
    const field = h('input', { type: 'text', readonly: true, value: r.url, id: 'share-url', 'aria-label': 'Share link' }) as HTMLInputElement;
    replace(shareOut, h('div', { class: 'share-box' }, field,
      h('button', { class: 'btn small', type: 'button', onclick: async () => { field.select(); try { await navigator.clipboard.writeText(r.url); toast('Link copied'); } catch { toast('Select the link and copy it'); } } }, 'Copy'),
      h('a', { class: 'btn small ghost', href: r.url, target: '_blank', rel: 'noopener' }, 'Open')));
  };
  const revoke = async () => {
    if (!window.confirm('Revoke every share link issued so far? People with an old link lose access.')) return;
    await api('POST', `${P()}/gallery/share/revoke`);
    replace(shareOut, h('p', { class: 'muted' }, 'All earlier links are revoked.'));
    toast('Share links revoked');
  };
  replace(main(),
    heading('Persona gallery', 'Share these sheets with product and support: the link is read-only and needs no sign-in.',
      h('div', { class: 'head-actions' }, h('button', { class: 'btn primary', type: 'button', id: 'share', onclick: () => void share() }, 'Create share link'), h('button', { class: 'btn ghost', type: 'button', onclick: () => void revoke() }, 'Revoke links'))),
    shareOut,
    h('div', { class: 'gallery' }, g.personas.map((p) => h('article', { class: `sheet kind-${p.kind}`, 'aria-labelledby': `sheet-${p.id}` },
      h('header', null, h('img', { src: p.photoUrl, alt: '', width: 88, height: 88 }), h('div', null, h('h2', { id: `sheet-${p.id}` }, p.name), h('p', { class: 'muted' }, `${p.kind} persona · ${p.ruleCount} rules · threshold ${p.threshold}`))),
      h('p', { class: 'bio' }, p.profile.bio),
      h('div', { class: 'sheet-grid' }, PROFILE_LISTS.map(([key, label]) => {
        const items = (p.profile[key] as string[]) ?? [];
        return items.length ? h('section', null, h('h3', null, label), h('ul', null, items.map((i) => h('li', null, i)))) : null;
      })),
      h('section', null, h('h3', null, 'Content by journey stage'), h('div', { class: 'stage-grid' }, STAGES.map((s) => h('div', { class: `stage ${(p.profile.content[s] ?? []).length ? '' : 'gap'}` },
        h('h4', null, STAGE_LABEL[s]), (p.profile.content[s] ?? []).length ? h('ul', null, p.profile.content[s].map((i) => h('li', null, i))) : h('p', null, 'Missing')))))))));
}

async function viewMatrix(): Promise<void> {
  const m = await api<{ stages: string[]; rows: { personaId: string; name: string; kind: string; cells: { stage: string; items: string[] }[] }[]; gaps: { personaId: string; stage: string }[] }>('GET', `${P()}/content-matrix`);
  const cells = m.rows.length * m.stages.length;
  replace(main(),
    heading('Content matrix', m.gaps.length === 0 ? `Every persona has content for every journey stage (${cells} cells).` : `${m.gaps.length} of ${cells} persona × stage cells have no content: they are highlighted below.`),
    h('div', { class: 'card table-scroll' }, h('table', { class: 'table content-matrix', id: 'content-matrix' },
      h('caption', { class: 'sr-only' }, 'Content per persona and journey stage'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Persona'), m.stages.map((s) => h('th', { scope: 'col' }, STAGE_LABEL[s] ?? s)))),
      h('tbody', null, m.rows.map((r) => h('tr', null,
        h('th', { scope: 'row' }, h('span', { class: 'swatch', style: `background:${personaColor(r.personaId, r.kind)}` }), r.name),
        r.cells.map((c) => h('td', { class: c.items.length ? '' : 'gap' },
          c.items.length ? h('ul', null, c.items.map((i) => h('li', null, i))) : h('span', { class: 'gap-label' }, '⚠ Missing')))))))));
}

async function viewInsights(): Promise<void> {
  // Hook for the insights reports (discovery, validation, review): the lead provides this endpoint.
  replace(main(), heading('Insights', 'Discovery, validation and review reports.'), h('div', { id: 'insights', class: 'card' }, h('p', { class: 'muted' }, 'Loading…')));
  const box = document.getElementById('insights')!;
  try {
    const r = await api<{ reports: { id: number | string; kind: string; title: string; createdAt: number; url?: string }[] }>('GET', `${P()}/insights/reports`);
    replace(box, r.reports.length === 0 ? h('p', { class: 'empty' }, 'No reports yet.') :
      h('ul', { class: 'reports' }, r.reports.map((x) => h('li', null, h('span', { class: 'badge' }, x.kind), ' ', x.url ? h('a', { href: x.url }, x.title) : h('strong', null, x.title), h('span', { class: 'muted' }, ` · ${fmtTime(x.createdAt)}`)))));
  } catch (err) {
    replace(box, err instanceof ApiError && err.status === 404 ? h('p', { class: 'empty' }, 'Reports appear here once the insights jobs have produced them.') : errorBox(err));
  }
}

// ---- Shell ---------------------------------------------------------------------------------
const VIEWS: Record<string, { label: string; render: () => Promise<void> }> = {
  dashboard: { label: 'Dashboard', render: viewDashboard },
  rules: { label: 'Rule set', render: viewRuleSet },
  contacts: { label: 'Contacts', render: viewContacts },
  gallery: { label: 'Gallery', render: viewGallery },
  matrix: { label: 'Content matrix', render: viewMatrix },
  insights: { label: 'Insights', render: viewInsights },
};

async function route(): Promise<void> {
  const key = location.hash.replace(/^#\/?/, '') || 'dashboard';
  const view = VIEWS[key] ?? VIEWS.dashboard;
  document.querySelectorAll('nav a').forEach((a) => {
    if (a.getAttribute('href') === `#/${key}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  document.title = `${view.label} · Personas admin`;
  replace(main(), h('p', { class: 'loading' }, 'Loading…'));
  try {
    await view.render();
    (document.getElementById('page-title') as HTMLElement | null)?.focus({ preventScroll: true });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signInScreen();
    replace(main(), errorBox(err));
  }
}

function signInScreen(): void {
  replace(document.getElementById('app')!, h('main', { class: 'signin', id: 'main' },
    h('div', { class: 'signin-card' },
      h('div', { class: 'logo', 'aria-hidden': 'true' }, 'P'),
      h('h1', null, 'Personas admin'),
      h('p', null, 'Define personas, preview their impact on your contacts, and publish with confidence.'),
      h('a', { class: 'btn primary big', href: '/admin/signin', id: 'signin' }, 'Sign in with HubSpot'),
      h('p', { class: 'muted small' }, 'You sign in with the HubSpot account that installed the app.'))));
}

async function start(): Promise<void> {
  let session: Session;
  try {
    session = await api<Session>('GET', '/session');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signInScreen();
    replace(document.getElementById('app')!, errorBox(err));
    return;
  }
  state.session = session;
  setCsrfToken(session.csrfToken);
  const stored = Number(sessionStorage.getItem('portalId'));
  state.portalId = session.portals.find((p) => p.portalId === stored)?.portalId ?? session.portals[0]?.portalId ?? null;
  const portalSelect = session.portals.length > 1 ? h('select', { id: 'portal', 'aria-label': 'Portal', onchange: (ev: Event) => { state.portalId = Number((ev.target as HTMLSelectElement).value); sessionStorage.setItem('portalId', String(state.portalId)); void loadNames().then(route); } },
    session.portals.map((p) => h('option', { value: p.portalId, selected: p.portalId === state.portalId }, p.hubDomain ?? String(p.portalId)))) : null;
  const current = session.portals.find((p) => p.portalId === state.portalId);
  replace(document.getElementById('app')!,
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h('div', { class: 'shell' },
      h('aside', { class: 'side' },
        h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), h('span', null, 'Personas')),
        h('nav', { 'aria-label': 'Sections' }, h('ul', null, Object.entries(VIEWS).map(([key, v]) => h('li', null, h('a', { href: `#/${key}` }, v.label))))),
        h('div', { class: 'side-foot' },
          portalSelect ?? h('div', { class: 'portal-name' }, current?.hubDomain ?? (state.portalId ? `Portal ${state.portalId}` : 'No portal')),
          h('div', { class: 'muted small' }, session.actor),
          session.via === 'session' ? h('button', { class: 'btn ghost small', type: 'button', id: 'signout', onclick: async () => { await api('DELETE', '/session'); location.reload(); } }, 'Sign out') : null)),
      h('main', { id: 'main', tabindex: -1 })),
    h('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite' }));
  if (state.portalId === null) { replace(main(), h('p', { class: 'empty' }, 'No installed portal yet. Install the app first.')); return; }
  await loadNames();
  window.addEventListener('hashchange', () => void route());
  await route();
}

void start();

import type { CardPersonaKind, CardRule, CardView } from './card-view';

/**
 * Renders a card view as a self-contained HTML page that mirrors the HubSpot card section by section,
 * so someone without HubSpot sees what a rep sees. No scripts, no external stylesheets or fonts.
 */
export function renderCardPreview(view: CardView): string {
  const title = view.persona ? `${view.persona.name} · ${view.contact.displayName}` : `${view.unassignedLabel} · ${view.contact.displayName}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Persona card preview</title>
<style>${STYLES}</style>
</head>
<body>
<main class="page">
  <p class="crumb">Contact record · <strong>${esc(view.contact.displayName)}</strong>${view.contact.email ? ` · ${esc(view.contact.email)}` : ''} · portal ${view.portalId}, contact ${esc(view.contactId)}</p>
  <article class="card" data-testid="persona-card">
    <header class="card-title">Persona</header>
    ${view.persona ? assignedBody(view) : unassignedBody(view)}
    ${ticketsSection(view)}
    <footer class="card-foot">
      <span>Journey stage: <strong data-testid="journey-stage">${esc(capitalize(view.journeyStage))}</strong></span>
      <span>Updated ${esc(formatDateTime(view.generatedAt))}</span>
    </footer>
  </article>
  <p class="note">Preview of the HubSpot app card, rendered by the app from the same data the card receives.</p>
</main>
</body>
</html>`;
}

function assignedBody(view: CardView): string {
  const persona = view.persona!;
  return `
    <section class="hero">
      ${avatar(persona.name, persona.photoUrl)}
      <div class="hero-text">
        <h1 data-testid="persona-name">${esc(persona.name)}</h1>
        <div class="tags">
          ${persona.kind ? `<span class="tag tag-${kindVariant(persona.kind)}" data-testid="persona-kind">${esc(kindLabel(persona.kind))}</span>` : ''}
          ${view.setByHand ? `<span class="tag tag-warning" data-testid="manual-badge">Set by hand</span>` : `<span class="tag tag-info">Set by rules</span>`}
        </div>
        ${scoreBlock(view)}
      </div>
    </section>
    ${manualSection(view)}
    ${whySection(view)}
    ${persona.bio ? `<section><h2>Bio</h2><p>${esc(persona.bio)}</p></section>` : ''}
    ${listSection('Talking points', persona.talkingPoints, 'talking-points', true)}
    ${listSection(`Content for the ${view.journeyStage} stage`, view.contentForStage, 'content-for-stage', true)}
    <div class="grid">
      ${listSection('Goals', persona.goals, 'goals')}
      ${listSection('Challenges', persona.challenges, 'challenges')}
      ${listSection('Objections', persona.objections, 'objections')}
      ${listSection('Channel preferences', persona.channels, 'channels')}
    </div>
    ${secondarySection(view)}`;
}

function unassignedBody(view: CardView): string {
  const hint = view.unassignedHint;
  return `
    <section class="hero">
      ${avatar('?', null)}
      <div class="hero-text">
        <h1 data-testid="persona-name">${esc(view.unassignedLabel)}</h1>
        <div class="tags">${view.setByHand ? `<span class="tag tag-warning" data-testid="manual-badge">Set by hand</span>` : `<span class="tag">No persona matches yet</span>`}</div>
      </div>
    </section>
    ${manualSection(view)}
    ${hint ? `
    <section class="callout" data-testid="unassigned-hint">
      <h2>Closest persona: ${esc(hint.personaName)}</h2>
      <p>Scores <strong>${hint.score}</strong> of the <strong>${hint.threshold}</strong> needed: <strong>${hint.pointsNeeded}</strong> more point${hint.pointsNeeded === 1 ? '' : 's'} to qualify.</p>
      ${hint.rulesToQualify.length ? `<p>${hint.reachable ? 'It would qualify with:' : 'Even all of these would not be enough:'}</p>${ruleList(hint.rulesToQualify)}` : ''}
    </section>` : ''}
    ${secondarySection(view)}`;
}

function scoreBlock(view: CardView): string {
  if (!view.score) return '';
  const { score, threshold, qualifies } = view.score;
  const max = Math.max(threshold * 1.5, score, 1);
  const pct = (n: number) => `${Math.max(0, Math.min(100, (n / max) * 100)).toFixed(1)}%`;
  return `
        <div class="score" data-testid="persona-score">
          <div class="score-line"><span><strong>${score}</strong> points</span> <span>threshold ${threshold}</span></div>
          <div class="bar" role="img" aria-label="score ${score} of threshold ${threshold}">
            <div class="bar-fill ${qualifies ? 'ok' : 'short'}" style="width:${pct(score)}"></div>
            <div class="bar-mark" style="left:${pct(threshold)}"></div>
          </div>
        </div>`;
}

function manualSection(view: CardView): string {
  const manual = view.setByHand;
  if (!manual) return '';
  const who = manual.setBy ? ` by ${esc(manual.setBy)}` : '';
  const when = manual.setAt ? ` on ${esc(formatDateTime(manual.setAt))}` : '';
  const computed = view.computed.personaId === null ? esc(view.computed.personaName)
    : `${esc(view.computed.personaName)} (${view.computed.score} of ${view.computed.threshold ?? '—'} points)`;
  return `
    <section class="callout warn" data-testid="manual-override">
      <p><strong>Set by hand</strong>${who}${when}. The app keeps this value and will not overwrite it.</p>
      <p>The rules would say: <strong>${computed}</strong>.</p>
    </section>`;
}

function whySection(view: CardView): string {
  const why = view.why;
  if (!why) return '';
  const runnerUp = why.runnerUp
    ? `<p class="muted" data-testid="runner-up">Runner-up: <strong>${esc(why.runnerUp.personaName)}</strong> with ${why.runnerUp.score} of ${why.runnerUp.threshold} points${why.runnerUp.qualifies ? ' (also qualifies)' : ''}, ${why.runnerUp.margin} point${Math.abs(why.runnerUp.margin) === 1 ? '' : 's'} behind.</p>`
    : '<p class="muted">No other persona scored.</p>';
  return `
    <section data-testid="why">
      <h2>Why ${esc(why.personaName)}${view.setByHand ? ' (according to the rules)' : ''}</h2>
      ${why.firedRules.length ? ruleList(why.firedRules) : '<p class="muted">No rule fired.</p>'}
      <p>Score <strong>${why.score}</strong> against a threshold of <strong>${why.threshold}</strong>.</p>
      ${runnerUp}
    </section>`;
}

function secondarySection(view: CardView): string {
  if (view.secondary.length === 0) return '';
  return `
    <section data-testid="secondary">
      <h2>Also matches</h2>
      <div class="tags">${view.secondary.map((s) => `<span class="tag tag-${kindVariant(s.kind)}">${esc(s.name)}${s.score === null ? '' : ` · ${s.score}`}</span>`).join('')}</div>
    </section>`;
}

function ticketsSection(view: CardView): string {
  const t = view.tickets;
  const rows = t.recent.map((ticket) => `
        <tr><td>${esc(ticket.subject)}</td><td><span class="tag ${ticket.status === 'open' ? 'tag-warning' : ''}">${ticket.status}</span></td><td>${esc(ticket.priority ?? '—')}</td><td>${ticket.createdAt ? esc(formatDate(ticket.createdAt)) : '—'}</td></tr>`).join('');
  return `
    <section data-testid="tickets">
      <h2>Recent tickets</h2>
      ${t.total === 0 ? '<p class="muted">No tickets.</p>' : `
      <p>${t.total} ticket${t.total === 1 ? '' : 's'}, ${t.open} open.</p>
      <table><thead><tr><th>Subject</th><th>Status</th><th>Priority</th><th>Created</th></tr></thead><tbody>${rows}
      </tbody></table>`}
    </section>`;
}

function listSection(title: string, items: readonly string[], testId: string, emphasised = false): string {
  if (items.length === 0) return '';
  return `<section data-testid="${testId}"${emphasised ? ' class="emph"' : ''}><h2>${esc(title)}</h2><ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul></section>`;
}

function ruleList(rules: readonly CardRule[]): string {
  return `<ul class="rules">${rules.map((r) => `<li><span>${esc(r.label)}</span> <span class="pts ${r.points < 0 ? 'neg' : ''}">${r.points > 0 ? '+' : ''}${r.points}</span></li>`).join('')}</ul>`;
}

function avatar(name: string, photoUrl: string | null): string {
  const initials = esc(name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('') || '?');
  if (photoUrl && /^(https?:\/\/|\/(?!\/))/i.test(photoUrl)) {
    return `<div class="avatar"><img src="${esc(photoUrl)}" alt="${esc(name)}" width="72" height="72"></div>`;
  }
  return `<div class="avatar initials" aria-hidden="true">${initials}</div>`;
}

function kindLabel(kind: CardPersonaKind): string {
  return kind === 'buyer' ? 'Buyer persona' : kind === 'customer' ? 'Customer persona' : 'Negative persona';
}

function kindVariant(kind: CardPersonaKind): string {
  return kind === 'negative' ? 'error' : kind === 'buyer' ? 'success' : 'info';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function formatDate(iso: string): string {
  return iso.slice(0, 10);
}

function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const STYLES = `
*{box-sizing:border-box}
body{margin:0;background:#f5f8fa;color:#33475b;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.page{max-width:720px;margin:0 auto;padding:24px 16px}
.crumb{margin:0 0 12px;color:#516f90;font-size:13px}
.card{background:#fff;border:1px solid #cbd6e2;border-radius:6px;box-shadow:0 1px 3px rgba(45,62,80,.08);overflow:hidden}
.card-title{padding:12px 20px;border-bottom:1px solid #eaf0f6;font-weight:600;font-size:15px;background:#fbfcfd}
.card section{padding:14px 20px;border-bottom:1px solid #eaf0f6}
.hero{display:flex;gap:16px;align-items:flex-start}
.hero-text{flex:1}
h1{margin:0 0 6px;font-size:22px;color:#213343}
h2{margin:0 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#516f90}
ul{margin:0;padding-left:20px}
li{margin:2px 0}
.avatar{width:72px;height:72px;border-radius:50%;overflow:hidden;flex:none;background:#eaf0f6;display:flex;align-items:center;justify-content:center}
.avatar img{width:72px;height:72px;object-fit:cover}
.avatar.initials{font-size:26px;font-weight:600;color:#fff;background:linear-gradient(135deg,#ff7a59,#ff5c35)}
.tags{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:8px}
.tag{display:inline-block;padding:1px 8px;border-radius:3px;font-size:12px;font-weight:600;border:1px solid #cbd6e2;background:#f5f8fa;color:#33475b}
.tag-success{background:#e5f8f6;border-color:#7fded2;color:#00756a}
.tag-info{background:#e5f5f8;border-color:#7fd1de;color:#0068a8}
.tag-warning{background:#fef8f0;border-color:#fae0b5;color:#b36b00}
.tag-error{background:#fde8e9;border-color:#f8a9ad;color:#c93700}
.score{max-width:360px}
.score-line{display:flex;justify-content:space-between;font-size:13px}
.bar{position:relative;height:8px;border-radius:4px;background:#eaf0f6;margin-top:4px}
.bar-fill{height:100%;border-radius:4px}
.bar-fill.ok{background:#00bda5}
.bar-fill.short{background:#f5c26b}
.bar-mark{position:absolute;top:-3px;width:2px;height:14px;background:#33475b}
.rules{list-style:none;padding:0;max-width:420px}
.rules li{display:flex;justify-content:space-between;border-bottom:1px dashed #eaf0f6;padding:2px 0}
.pts{font-weight:600;color:#00756a}
.pts.neg{color:#c93700}
.muted{color:#7c98b6}
.emph{background:#fbfcfd}
.grid{display:grid;grid-template-columns:1fr 1fr}
.grid section:nth-child(odd){border-right:1px solid #eaf0f6}
.card section p{margin:4px 0}
.callout{background:#e5f5f8}
.callout.warn{background:#fef8f0}
.callout p{margin:2px 0}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eaf0f6}
th{color:#516f90;font-weight:600}
.card-foot{display:flex;justify-content:space-between;padding:10px 20px;font-size:12px;color:#7c98b6;background:#fbfcfd}
.note{color:#7c98b6;font-size:12px;text-align:center}
`;

import { journeyStages, type RuleSet } from '../personas/engine';
import { galleryPersonas } from './persona-gallery';
import { escapeHtml } from '../platform/html';

const list = (title: string, items: readonly string[]) =>
  items.length === 0
    ? ''
    : `<section><h3>${escapeHtml(title)}</h3><ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul></section>`;

const STAGE_LABEL: Record<string, string> = {
  awareness: 'Awareness',
  consideration: 'Consideration',
  decision: 'Decision',
  advocacy: 'Advocacy',
};

/** The read-only persona sheets behind a share link: plain HTML and inline CSS, no script, no external host. */
export function renderSharedGallery(ruleSet: RuleSet, version: number | null, avatarQuery: (personaId: string) => string): string {
  const personas = galleryPersonas(ruleSet, avatarQuery);
  const sheets = personas
    .map(
      (p) => `<article class="sheet kind-${p.kind}" id="${escapeHtml(p.id)}">
<header><img src="${escapeHtml(p.photoUrl)}" alt="" width="96" height="96"><div><h2>${escapeHtml(p.name)}</h2><p class="kind">${escapeHtml(p.kind)} persona</p></div></header>
<p class="bio">${escapeHtml(p.profile.bio)}</p>
<div class="grid">${list('Goals', p.profile.goals)}${list('Challenges', p.profile.challenges)}${list('Channels', p.profile.channels)}${list('Objections', p.profile.objections)}${list('Talking points', p.profile.talkingPoints)}</div>
<section><h3>Content by journey stage</h3><div class="stages">${journeyStages.map((s) => `<div class="stage"><h4>${STAGE_LABEL[s]}</h4>${p.profile.content[s].length ? `<ul>${p.profile.content[s].map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '<p class="gap">No content yet</p>'}</div>`).join('')}</div></section>
</article>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Personas</title><style>
:root{--ink:#1f2937;--muted:#5b6474;--line:#e3e8ef;--bg:#f5f7fa;--accent:#1d4ed8}
*{box-sizing:border-box}body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
.top{background:#0f172a;color:#fff;padding:1.25rem 2rem}.top h1{margin:0;font-size:1.3rem}.top p{margin:.25rem 0 0;color:#cbd5e1}
main{max-width:1100px;margin:0 auto;padding:1.5rem;display:grid;gap:1.5rem}
.sheet{background:#fff;border:1px solid var(--line);border-radius:14px;padding:1.5rem;border-top:6px solid var(--accent)}
.sheet.kind-buyer{border-top-color:#047857}.sheet.kind-negative{border-top-color:#b91c1c}
.sheet header{display:flex;gap:1rem;align-items:center}.sheet img{border-radius:50%;background:#eef2ff}
h2{margin:0;font-size:1.35rem}.kind{margin:0;color:var(--muted);text-transform:capitalize}
h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:1rem 0 .35rem}h4{margin:0 0 .3rem;font-size:.95rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:0 1.5rem}ul{margin:0;padding-left:1.1rem}
.stages{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:.75rem}.stage{background:var(--bg);border-radius:10px;padding:.75rem}
.gap{color:#b45309;font-weight:600;margin:0}
nav{max-width:1100px;margin:1rem auto 0;padding:0 1.5rem;display:flex;flex-wrap:wrap;gap:.5rem}nav a{background:#fff;border:1px solid var(--line);border-radius:999px;padding:.3rem .85rem;color:var(--accent);text-decoration:none;font-weight:600}
a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}footer{text-align:center;color:var(--muted);padding:1rem}
</style></head><body><div class="top"><h1>Our customer personas</h1><p>Shared read-only${version === null ? '' : ` · rule set version ${version}`}</p></div>
<nav aria-label="Personas">${personas.map((p) => `<a href="#${escapeHtml(p.id)}">${escapeHtml(p.name)}</a>`).join('')}</nav>
<main>${sheets}</main><footer>Personas for HubSpot</footer></body></html>`;
}

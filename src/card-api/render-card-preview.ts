import { AppError } from '../platform/errors';
import type { CardView } from './card-view';
import type { CompanyCardView } from './company-card-view';
import { CARD_RENDERER_FILE, COMPANY_CARD_RENDERER_FILE } from './preview/card-renderer-file';

type RenderCardBody = (view: CardView) => string;
type RenderCompanyCardBody = (view: CompanyCardView) => string;
const loaded = new Map<string, unknown>();

function loadRenderer<T>(file: string, cache: boolean): T {
  if (cache && loaded.has(file)) return loaded.get(file) as T;
  let renderer: T;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    renderer = (require(file) as { renderCardBody: T }).renderCardBody;
  } catch {
    throw new AppError('unavailable', 'The card preview is not built: run `npm run build:admin` (npm ci runs it as postinstall).');
  }
  if (cache) loaded.set(file, renderer);
  return renderer;
}

/**
 * The card's body as HTML, rendered by the HubSpot card's own React components (bundled by
 * `npm run build:admin` with the ui-extensions components mapped to HTML), so the preview cannot
 * drift from the card.
 */
export function loadCardRenderer(file = CARD_RENDERER_FILE): RenderCardBody {
  return loadRenderer<RenderCardBody>(file, file === CARD_RENDERER_FILE);
}

/** The company card's body as HTML, rendered by cards/CompanyCardBody.tsx the same way. */
export function loadCompanyCardRenderer(file = COMPANY_CARD_RENDERER_FILE): RenderCompanyCardBody {
  return loadRenderer<RenderCompanyCardBody>(file, file === COMPANY_CARD_RENDERER_FILE);
}

/**
 * A self-contained page around the card body: the contact it belongs to, the card's frame, when
 * it was computed. No scripts, no external stylesheets or fonts.
 */
export function renderCardPreview(view: CardView, renderBody: RenderCardBody = loadCardRenderer()): string {
  const title = view.persona
    ? `${view.persona.name} · ${view.contact.displayName}`
    : `${view.unassignedLabel} · ${view.contact.displayName}`;
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
    <div class="card-body">${renderBody(view)}</div>
    <footer class="card-foot"><span>Updated ${esc(`${view.generatedAt.slice(0, 10)} ${view.generatedAt.slice(11, 16)} UTC`)}</span></footer>
  </article>
  <p class="note">Preview of the HubSpot app card, rendered by the card's own components from the same data the card receives.</p>
</main>
</body>
</html>`;
}

/** The company card in the same frame: the company record it belongs to, the card, when it was computed. */
export function renderCompanyCardPreview(view: CompanyCardView, renderBody: RenderCompanyCardBody = loadCompanyCardRenderer()): string {
  const { covered, committee } = view.coverage;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(view.company.name)} · ${covered} of ${committee} · Buying committee card preview</title>
<style>${STYLES}</style>
</head>
<body>
<main class="page">
  <p class="crumb">Company record · <strong>${esc(view.company.name)}</strong>${view.company.domain ? ` · ${esc(view.company.domain)}` : ''} · portal ${view.portalId}, company ${esc(view.companyId)}</p>
  <article class="card" data-testid="company-card">
    <header class="card-title">Buying committee</header>
    <div class="card-body">${renderBody(view)}</div>
    <footer class="card-foot"><span>${view.contactCount} contacts</span><span>Updated ${esc(`${view.generatedAt.slice(0, 10)} ${view.generatedAt.slice(11, 16)} UTC`)}</span></footer>
  </article>
  <p class="note">Preview of the HubSpot app card on company records, rendered by the card's own components from the same data the card receives.</p>
</main>
</body>
</html>`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// HubSpot's card look, approximated: the host components' classes (hs-*) and the tag variants.
const STYLES = `
*{box-sizing:border-box}
body{margin:0;background:#f5f8fa;color:#33475b;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.page{max-width:720px;margin:0 auto;padding:24px 16px}
.crumb{margin:0 0 12px;color:#516f90;font-size:13px}
.card{background:#fff;border:1px solid #cbd6e2;border-radius:6px;box-shadow:0 1px 3px rgba(45,62,80,.08);overflow:hidden}
.card-title{padding:12px 20px;border-bottom:1px solid #eaf0f6;font-weight:600;font-size:15px;background:#fbfcfd}
.card-body{padding:16px 20px}
.hs-flex{display:flex}.hs-row{flex-direction:row}.hs-column{flex-direction:column}.hs-wrap{flex-wrap:wrap}
.hs-gap-xs{gap:4px}.hs-gap-sm{gap:10px}.hs-gap-md{gap:16px}.hs-gap-lg{gap:24px}
.hs-align-start{align-items:flex-start}.hs-align-center{align-items:center}.hs-justify-end{justify-content:flex-end}.hs-justify-between{justify-content:space-between}
.hs-heading{margin:0;font-size:20px;color:#213343}
.hs-text{margin:2px 0}.hs-microcopy{font-size:12px;color:#7c98b6}.hs-demibold{font-weight:600}.hs-bold{font-weight:700}.hs-italic{font-style:italic}
.hs-image{border-radius:50%;object-fit:cover;background:#eaf0f6}
.tag{display:inline-block;padding:1px 8px;border-radius:3px;font-size:12px;font-weight:600;border:1px solid #cbd6e2;background:#f5f8fa;color:#33475b}
.tag-success{background:#e5f8f6;border-color:#7fded2;color:#00756a}
.tag-info{background:#e5f5f8;border-color:#7fd1de;color:#0068a8}
.tag-warning{background:#fef8f0;border-color:#fae0b5;color:#b36b00}
.tag-error,.tag-danger{background:#fde8e9;border-color:#f8a9ad;color:#c93700}
.hs-progress{max-width:360px}
.hs-progress-head{display:flex;justify-content:space-between;gap:12px;font-size:12px;color:#516f90}
.bar{height:8px;border-radius:4px;background:#eaf0f6;margin-top:4px}
.bar-fill{height:100%;border-radius:4px;background:#00bda5}
.bar-fill.warning{background:#f5c26b}.bar-fill.danger{background:#f2545b}
.callout{border-radius:4px;padding:10px 14px;background:#e5f5f8;border-left:4px solid #7fd1de}
.callout-warning{background:#fef8f0;border-left-color:#f5c26b}.callout-error,.callout-danger{background:#fde8e9;border-left-color:#f2545b}
.callout h2{margin:0 0 4px;font-size:14px}
.hs-accordion{border-top:1px solid #eaf0f6;padding-top:6px}
.hs-accordion summary{cursor:pointer;font-weight:600;color:#213343}
.hs-accordion-body{padding:6px 0 0 2px}
.hs-dl{margin:4px 0}.hs-dl-item{display:flex;justify-content:space-between;gap:12px;border-bottom:1px dashed #eaf0f6;padding:2px 0;max-width:460px}
.hs-dl-column .hs-dl-item{flex-direction:column;gap:0}
.hs-dl dt{font-weight:600}.hs-dl dd{margin:0}
.hs-list{margin:2px 0;padding-left:20px}.hs-list li{margin:2px 0}.hs-list .hs-text{margin:0}
.hs-divider{border:0;border-top:1px solid #eaf0f6;margin:8px 0}
.hs-empty{display:flex;gap:16px;align-items:flex-start}
.avatar{width:64px;height:64px;border-radius:50%;flex:none;display:flex;align-items:center;justify-content:center}
.avatar.initials{font-size:26px;font-weight:600;color:#fff;background:linear-gradient(135deg,#ff7a59,#ff5c35)}
.card-foot{display:flex;justify-content:space-between;padding:10px 20px;font-size:12px;color:#7c98b6;background:#fbfcfd;border-top:1px solid #eaf0f6}
.note{color:#7c98b6;font-size:12px;text-align:center}
`;

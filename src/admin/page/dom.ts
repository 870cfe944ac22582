/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

type Child = Node | string | number | null | undefined | false | readonly Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Builds an element; text is always inserted as text nodes, never parsed as HTML. */
export function h(tag: string, attrs: Attrs | null = null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
      else if (key === 'class') el.className = String(value);
      // Through the CSSOM: the page's CSP forbids style attributes.
      else if (key === 'style') el.style.cssText = String(value);
      else if (key in el && typeof value !== 'string' && key !== 'style') (el as unknown as Record<string, unknown>)[key] = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const fmtPct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
export function fmtTime(ms: number | null | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
export function fmtAgo(ms: number | null | undefined): string {
  if (!ms) return '—';
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#ea580c', '#4f46e5', '#0d9488'];
const order = new Map<string, number>();
/** Colours follow the rule set's persona order, so neighbours never share a colour. */
export function setPersonaOrder(ids: readonly string[]): void {
  for (const id of ids) if (!order.has(id)) order.set(id, order.size);
}
/** A stable colour per persona id; negative personas red, unassigned grey. */
export function personaColor(id: string, kind?: string): string {
  if (kind === 'negative') return '#dc2626';
  if (kind === 'unassigned' || id === 'unassigned') return '#94a3b8';
  if (!order.has(id)) order.set(id, order.size);
  return PALETTE[order.get(id)! % PALETTE.length];
}

let toastTimer: number | undefined;
/** A polite status message for screen readers and sighted users alike. */
export function toast(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.className = `toast show ${kind}`;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => { el.className = 'toast'; }, 4500);
}

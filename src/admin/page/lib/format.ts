/// <reference lib="dom" />
export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const fmtPct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
export function fmtTime(ms: number | null | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
export function fmtDate(ms: number | null | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleDateString('en-GB', { dateStyle: 'medium' });
}
export function fmtAgo(ms: number | null | undefined): string {
  if (!ms) return '—';
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
export const plural = (n: number, word: string, many = `${word}s`) => `${fmtInt(n)} ${n === 1 ? word : many}`;

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

export const STAGES = ['awareness', 'consideration', 'decision', 'advocacy'] as const;
export const STAGE_LABEL: Record<string, string> = {
  awareness: 'Awareness',
  consideration: 'Consideration',
  decision: 'Decision',
  advocacy: 'Advocacy',
};
export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

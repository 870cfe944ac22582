import { fmtInt, fmtPct, personaColor } from '../lib/format';

export interface BarRow {
  id: string;
  label: string;
  value: number;
  kind?: string;
  compare?: number;
}

const WIDTH = 640;
const LABEL_W = 240;
const BAR_W = WIDTH - LABEL_W - 120;
const fit = (text: string) => (text.length > 30 ? `${text.slice(0, 29)}…` : text);

/** Horizontal bars per persona; with `compare`, a faint "before" bar above each "after" bar. */
export function BarChart({ rows, title }: { rows: readonly BarRow[]; title: string }) {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.value, r.compare ?? 0)));
  const total = rows.reduce((a, r) => a + r.value, 0) || 1;
  const compared = rows.some((r) => r.compare !== undefined);
  const rowH = compared ? 40 : 30;
  const len = (v: number) => Math.max(2, (v / max) * BAR_W);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${rows.length * rowH + 8}`} role="img" aria-label={title} className="chart">
      <title>{title}</title>
      {rows.map((r, i) => {
        const y = i * rowH + 4;
        const color = personaColor(r.id, r.kind);
        const label = (
          <text x={LABEL_W - 10} y={y + (r.compare !== undefined ? 16 : 14)} textAnchor="end" className="chart-label">
            <title>{r.label}</title>
            {fit(r.label)}
          </text>
        );
        if (r.compare !== undefined) {
          const delta = r.value - r.compare;
          return (
            <g key={r.id}>
              {label}
              <rect x={LABEL_W} y={y} width={len(r.compare)} height={12} rx={3} fill={color} opacity={0.35} />
              <text x={LABEL_W + len(r.compare) + 6} y={y + 10} className="chart-value muted">{`${fmtInt(r.compare)} before`}</text>
              <rect x={LABEL_W} y={y + 15} width={len(r.value)} height={14} rx={3} fill={color} />
              <text
                x={LABEL_W + len(r.value) + 6}
                y={y + 26}
                className="chart-value"
              >{`${fmtInt(r.value)} after${delta === 0 ? '' : ` (${delta > 0 ? '+' : ''}${fmtInt(delta)})`}`}</text>
            </g>
          );
        }
        return (
          <g key={r.id}>
            {label}
            <rect x={LABEL_W} y={y} width={BAR_W} height={18} rx={4} fill="#eef2f7" />
            <rect x={LABEL_W} y={y} width={len(r.value)} height={18} rx={4} fill={color} />
            <text x={LABEL_W + BAR_W + 8} y={y + 14} className="chart-value">{`${fmtInt(r.value)} · ${fmtPct(r.value / total)}`}</text>
          </g>
        );
      })}
    </svg>
  );
}

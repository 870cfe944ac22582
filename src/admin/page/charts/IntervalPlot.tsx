import { fmtPct } from '../lib/format';

export interface IntervalRow {
  label: string;
  estimate: number;
  low: number;
  high: number;
  n: number;
  highlight?: boolean;
}

const W = 560;
const LABEL_W = 140;
const PLOT_W = W - LABEL_W - 200;

/** Rates with their confidence intervals: a dot for the rate, a bar for the interval, on one 0–max scale. */
export function IntervalPlot({ rows, title, target }: { rows: readonly IntervalRow[]; title: string; target?: number }) {
  const max = Math.min(1, Math.max(0.05, Math.ceil(Math.max(...rows.map((r) => r.high), target ?? 0) * 20) / 20));
  const x = (v: number) => LABEL_W + (v / max) * PLOT_W;
  const rowH = 26;
  const h = rows.length * rowH + 24;
  return (
    <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-label={title} className="chart interval-plot">
      <title>{title}</title>
      <line x1={x(0)} x2={x(0)} y1={0} y2={h - 20} stroke="#cbd5e1" />
      <text x={x(0)} y={h - 6} className="chart-value muted" textAnchor="middle">
        0%
      </text>
      <text x={x(max)} y={h - 6} className="chart-value muted" textAnchor="middle">
        {fmtPct(max)}
      </text>
      {target !== undefined ? (
        <line x1={x(target)} x2={x(target)} y1={0} y2={h - 20} stroke="#b45309" strokeDasharray="4 3">
          <title>{`Target ${fmtPct(target)}`}</title>
        </line>
      ) : null}
      {rows.map((r, i) => {
        const y = i * rowH + 12;
        const color = r.highlight ? '#1d4ed8' : '#475569';
        return (
          <g key={r.label}>
            <text x={LABEL_W - 8} y={y + 4} textAnchor="end" className="chart-label">
              {r.label}
            </text>
            <line x1={x(r.low)} x2={x(r.high)} y1={y} y2={y} stroke={color} strokeWidth={3} strokeLinecap="round" />
            <circle cx={x(r.estimate)} cy={y} r={5} fill={color} />
            <text
              x={x(max) + 8}
              y={y + 4}
              className="chart-value"
            >{`${fmtPct(r.estimate)} (${fmtPct(r.low)}–${fmtPct(r.high)}, n=${r.n})`}</text>
            <title>{`${r.label}: ${fmtPct(r.estimate)}, 95% interval ${fmtPct(r.low)} to ${fmtPct(r.high)}, ${r.n} contacts`}</title>
          </g>
        );
      })}
    </svg>
  );
}

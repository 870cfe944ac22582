import { fmtPct, personaColor } from '../lib/format';

export interface LineSeries {
  id: string;
  label: string;
  kind?: string;
  points: readonly { x: number; y: number }[];
}

const W = 640;
const H = 260;
const PAD = { left: 44, right: 170, top: 12, bottom: 28 };
const day = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });

/** Shares over time, one line per persona, y from 0 to the largest share (rounded up to 10%). */
export function LineChart({ series, title }: { series: readonly LineSeries[]; title: string }) {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const maxY = Math.max(0.1, Math.ceil(Math.max(...series.flatMap((s) => s.points.map((p) => p.y))) * 10) / 10);
  const px = (x: number) =>
    PAD.left + (maxX === minX ? (W - PAD.left - PAD.right) / 2 : ((x - minX) / (maxX - minX)) * (W - PAD.left - PAD.right));
  const py = (y: number) => PAD.top + (1 - y / maxY) * (H - PAD.top - PAD.bottom);
  const ticks = [0, maxY / 2, maxY];
  const ends = series
    .map((s) => ({ s, last: s.points[s.points.length - 1] }))
    .filter((e) => e.last)
    .sort((a, b) => b.last!.y - a.last!.y);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} className="chart line-chart">
      <title>{title}</title>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.left} x2={W - PAD.right} y1={py(t)} y2={py(t)} stroke="#e2e8f0" />
          <text x={PAD.left - 6} y={py(t) + 4} textAnchor="end" className="chart-value muted">
            {fmtPct(t)}
          </text>
        </g>
      ))}
      <text x={PAD.left} y={H - 8} className="chart-value muted">
        {day(minX)}
      </text>
      <text x={W - PAD.right} y={H - 8} textAnchor="end" className="chart-value muted">
        {day(maxX)}
      </text>
      {series.map((s) => (
        <g key={s.id}>
          <polyline
            fill="none"
            stroke={personaColor(s.id, s.kind)}
            strokeWidth={2}
            points={s.points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}
          />
          {s.points.map((p, i) => (
            <circle key={i} cx={px(p.x)} cy={py(p.y)} r={3} fill={personaColor(s.id, s.kind)}>
              <title>{`${s.label}: ${fmtPct(p.y)} on ${day(p.x)}`}</title>
            </circle>
          ))}
        </g>
      ))}
      {ends.map(({ s, last }, i) => (
        <text
          key={s.id}
          x={W - PAD.right + 8}
          y={PAD.top + 10 + i * 16}
          className="chart-label legend"
          fill={personaColor(s.id, s.kind)}
        >{`${s.label.length > 20 ? `${s.label.slice(0, 19)}…` : s.label} ${fmtPct(last!.y)}`}</text>
      ))}
    </svg>
  );
}

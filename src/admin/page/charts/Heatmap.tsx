import { fmtInt } from '../lib/format';

/** A table-like grid of counts, shaded by size: rows × columns, every cell labelled for screen readers. */
export function Heatmap({
  rows,
  columns,
  value,
  title,
  id,
}: {
  rows: readonly { id: string; label: string }[];
  columns: readonly { id: string; label: string }[];
  value: (row: string, column: string) => number;
  title: string;
  id?: string;
}) {
  const max = Math.max(1, ...rows.flatMap((r) => columns.map((c) => value(r.id, c.id))));
  return (
    <div className="table-scroll">
      <table className="table heatmap" id={id}>
        <caption className="sr-only">{title}</caption>
        <thead>
          <tr>
            <th scope="col" />{' '}
            {columns.map((c) => (
              <th key={c.id} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">{r.label}</th>
              {columns.map((c) => {
                const v = value(r.id, c.id);
                const alpha = v === 0 ? 0 : 0.12 + 0.78 * (v / max);
                return (
                  <td
                    key={c.id}
                    className="heat"
                    style={{ background: `rgba(29, 78, 216, ${alpha.toFixed(2)})`, color: alpha > 0.55 ? '#fff' : undefined }}
                  >
                    {v === 0 ? '·' : fmtInt(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

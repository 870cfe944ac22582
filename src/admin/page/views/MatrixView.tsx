import { api } from '../lib/api';
import { PageHeading, Show, useAdmin, useLoad } from '../app/context';
import { personaColor, STAGE_LABEL } from '../lib/format';

interface Matrix {
  stages: string[];
  rows: { personaId: string; name: string; kind: string; cells: { stage: string; items: string[] }[] }[];
  gaps: { personaId: string; stage: string }[];
}

export function MatrixView() {
  const { base } = useAdmin();
  const [loaded] = useLoad(() => api<Matrix>('GET', `${base}/content-matrix`), [base]);
  return (
    <Show loaded={loaded}>
      {(m) => {
        const cells = m.rows.length * m.stages.length;
        return (
          <>
            <PageHeading
              title="Content matrix"
              sub={
                m.gaps.length === 0
                  ? `Every persona has content for every journey stage (${cells} cells).`
                  : `${m.gaps.length} of ${cells} persona × stage cells have no content: they are highlighted below.`
              }
            />
            <div className="card table-scroll">
              <table className="table content-matrix" id="content-matrix">
                <caption className="sr-only">Content per persona and journey stage</caption>
                <thead>
                  <tr>
                    <th scope="col">Persona</th>
                    {m.stages.map((s) => (
                      <th key={s} scope="col">
                        {STAGE_LABEL[s] ?? s}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {m.rows.map((r) => (
                    <tr key={r.personaId}>
                      <th scope="row">
                        <span className="swatch" style={{ background: personaColor(r.personaId, r.kind) }} />
                        {r.name}
                      </th>
                      {r.cells.map((c) => (
                        <td key={c.stage} className={c.items.length ? '' : 'gap'}>
                          {c.items.length ? (
                            <ul>
                              {c.items.map((i, n) => (
                                <li key={n}>{i}</li>
                              ))}
                            </ul>
                          ) : (
                            <span className="gap-label">⚠ Missing</span>
                          )}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        );
      }}
    </Show>
  );
}

import { api, ApiError } from '../lib/api';
import { ErrorBox, Loading, PageHeading, useAdmin, useLoad } from '../app/context';
import { fmtTime } from '../lib/format';

interface ReportMeta { id: number | string; kind: string; title: string; createdAt: number; url?: string }

export function InsightsView() {
  const { base } = useAdmin();
  const [loaded] = useLoad(() => api<{ reports: ReportMeta[] }>('GET', `${base}/insights/reports`), [base]);
  return (
    <>
      <PageHeading title="Insights" sub="Discovery, validation and review reports." />
      <div id="insights" className="card">
        {loaded.status === 'loading' ? <Loading /> : loaded.status === 'error'
          ? (loaded.error instanceof ApiError && loaded.error.status === 404 ? <p className="empty">Reports appear here once the insights jobs have produced them.</p> : <ErrorBox error={loaded.error} />)
          : loaded.data.reports.length === 0 ? <p className="empty">No reports yet.</p> : (
            <ul className="reports">
              {loaded.data.reports.map((x) => <li key={x.id}><span className="badge">{x.kind}</span>{' '}{x.url ? <a href={x.url}>{x.title}</a> : <strong>{x.title}</strong>}<span className="muted">{` · ${fmtTime(x.createdAt)}`}</span></li>)}
            </ul>
          )}
      </div>
    </>
  );
}

/// <reference lib="dom" />
import { useState } from 'react';
import { api } from '../lib/api';
import { ErrorBox, Loading, PageHeading, useAdmin, useLoad } from '../app/context';
import { fmtInt, plural } from '../lib/format';
import { PersonaPill } from './ExplainBrief';

interface AccountPersona {
  id: string;
  name: string;
}
interface AccountRow {
  id: string;
  name: string;
  domain: string | null;
  contacts: number;
  coverage: AccountPersona[];
  gaps: AccountPersona[];
  written: boolean;
}
interface AccountsPage {
  total: number;
  page: number;
  pageSize: number;
  committee: AccountPersona[];
  companies: AccountRow[];
}

const PAGE_SIZE = 25;

/**
 * Companies with their buying committee: which personas their contacts hold, which committee
 * personas are missing. Filter by a gap ("companies missing an economic buyer"), sort by size.
 */
export function AccountsView() {
  const { base, portalId } = useAdmin();
  const [sort, setSort] = useState<'size' | 'name'>('size');
  const [gap, setGap] = useState('');
  const [page, setPage] = useState(1);
  const [loaded] = useLoad(
    () =>
      api<AccountsPage>(
        'GET',
        `${base}/accounts?sort=${sort}&page=${page}&pageSize=${PAGE_SIZE}${gap ? `&gap=${encodeURIComponent(gap)}` : ''}`,
      ),
    [base, sort, gap, page],
  );
  const data = loaded.status === 'ready' ? loaded.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const committee = data?.committee ?? [];

  return (
    <>
      <PageHeading
        title="Accounts"
        sub="Each company's buying committee: the personas its contacts hold and the committee personas it is missing, as written to HubSpot."
      />
      <section className="card">
        <div className="toolbar accounts-toolbar">
          <label>
            Missing{' '}
            <select
              id="accounts-gap"
              value={gap}
              onChange={(e) => {
                setGap(e.target.value);
                setPage(1);
              }}
            >
              <option value="">any persona (all companies)</option>
              {committee.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Sort by{' '}
            <select
              id="accounts-sort"
              value={sort}
              onChange={(e) => {
                setSort(e.target.value as 'size' | 'name');
                setPage(1);
              }}
            >
              <option value="size">size (most contacts first)</option>
              <option value="name">name</option>
            </select>
          </label>
          {data ? (
            <span className="muted" id="accounts-total">
              {plural(data.total, 'company', 'companies')}
            </span>
          ) : null}
        </div>
        {loaded.status === 'loading' ? <Loading /> : null}
        {loaded.status === 'error' ? <ErrorBox error={loaded.error} /> : null}
        {data && committee.length === 0 ? (
          <p className="callout">
            No persona is marked as part of the buying committee: tick “Part of the buying committee” in the rule set’s persona forms.
          </p>
        ) : null}
        {data && data.companies.length === 0 ? (
          <p className="empty">{gap ? 'No company is missing this persona.' : 'No companies synced yet.'}</p>
        ) : null}
        {data && data.companies.length > 0 ? (
          <div className="table-scroll">
            <table className="table" id="accounts">
              <caption className="sr-only">Companies with their buying-committee coverage and gaps</caption>
              <thead>
                <tr>
                  <th scope="col">Company</th>
                  <th scope="col">Contacts</th>
                  <th scope="col">Coverage</th>
                  <th scope="col">Gaps</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {data.companies.map((c) => (
                  <tr key={c.id} data-company={c.id}>
                    <th scope="row">
                      {c.name}
                      {c.domain ? <div className="muted small">{c.domain}</div> : null}
                    </th>
                    <td className="num">{fmtInt(c.contacts)}</td>
                    <td className="coverage">
                      {committee.length > 0 ? (
                        <div className="muted small">{`${committee.filter((p) => c.coverage.some((x) => x.id === p.id)).length} of ${committee.length} committee personas`}</div>
                      ) : null}
                      {c.coverage.map((p) => (
                        <PersonaPill key={p.id} id={p.id} label={p.name} />
                      ))}
                    </td>
                    <td className="gaps">
                      {c.gaps.length === 0 && c.contacts > 0 ? <span className="ok-text">Complete</span> : null}
                      {c.gaps.map((p) => (
                        <span key={p.id} className="gap-tag">
                          {p.name}
                        </span>
                      ))}
                      {!c.written && c.contacts > 0 ? <div className="muted small">not written to HubSpot yet</div> : null}
                    </td>
                    <td>
                      <a
                        href={`/preview/cards/company?portalId=${portalId}&companyId=${encodeURIComponent(c.id)}`}
                        target="_blank"
                        rel="noreferrer"
                      >
                        Card preview
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {data && pages > 1 ? (
          <nav className="pager" aria-label="Pages">
            <button type="button" className="btn small" id="accounts-prev" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span id="accounts-page">{`Page ${page} of ${pages}`}</span>
            <button type="button" className="btn small" id="accounts-next" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </nav>
        ) : null}
      </section>
    </>
  );
}

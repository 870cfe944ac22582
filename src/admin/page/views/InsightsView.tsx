import { useState } from 'react';
import { PageHeading } from '../app/context';
import { DiscoverPanel } from '../insights/DiscoverPanel';
import { ReviewPanel } from '../insights/ReviewPanel';
import { ValidatePanel } from '../insights/ValidatePanel';

const TABS = { discover: 'Discover', validate: 'Validate', review: 'Review' } as const;
type Tab = keyof typeof TABS;

/** The personas loop: discover groups in the data, validate personas with pilots, review drift. */
export function InsightsView() {
  const [tab, setTab] = useState<Tab>(() => (new URLSearchParams(location.hash.split('?')[1]).get('tab') as Tab | null) ?? 'discover');
  return (
    <>
      <PageHeading title="Insights" sub="Discover personas in your data, validate them with pilots, review how they drift." />
      <div className="subnav" role="group" aria-label="Insights sections">
        {(Object.keys(TABS) as Tab[]).map((t) => (
          <button
            key={t}
            type="button"
            className={`btn small${t === tab ? ' primary' : ' ghost'}`}
            aria-pressed={t === tab}
            onClick={() => setTab(t)}
          >
            {TABS[t]}
          </button>
        ))}
      </div>
      <div id="insights">{tab === 'discover' ? <DiscoverPanel /> : tab === 'validate' ? <ValidatePanel /> : <ReviewPanel />}</div>
    </>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { Button, EmptyState, ErrorState, LoadingSpinner, Text, hubspot } from '@hubspot/ui-extensions';
import type { CompanyCardView } from '../src/card-api/company-card-view';
import { CardApiError, fetchCompanyCardView } from './card-api-client';
import { CompanyCardBody } from './CompanyCardBody';

hubspot.extend<'crm.record.tab'>(({ context }) => <CompanyCard portalId={context.portal.id} companyId={context.crm.objectId} />);

type CardState =
  | { status: 'loading' }
  | { status: 'unknown'; message: string }
  | { status: 'error'; message: string; errorId: string | null }
  | { status: 'ready'; view: CompanyCardView };

export interface CompanyCardProps {
  portalId: number;
  companyId: number | string;
}

/** The buying committee of a company record: personas present, gaps, and who comes closest to each gap. */
export function CompanyCard({ portalId, companyId }: CompanyCardProps) {
  const [state, setState] = useState<CardState>({ status: 'loading' });

  const load = useCallback(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    fetchCompanyCardView(portalId, companyId).then(
      (view) => {
        if (!cancelled) setState({ status: 'ready', view });
      },
      (err: unknown) => {
        if (cancelled) return;
        // A company the app has not synced yet is a normal state, not an error.
        if (err instanceof CardApiError && err.status === 404) setState({ status: 'unknown', message: err.message });
        else if (err instanceof CardApiError) setState({ status: 'error', message: err.message, errorId: err.errorId });
        else setState({ status: 'error', message: 'The persona service could not be reached. Try again in a moment.', errorId: null });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [portalId, companyId]);

  useEffect(load, [load]);

  if (state.status === 'loading')
    return <LoadingSpinner testId="loading" label="Loading the buying committee…" showLabel layout="centered" />;
  if (state.status === 'unknown') {
    return (
      <EmptyState testId="unknown-company" title="This company is not synced yet" imageName="building" layout="horizontal" flush>
        <Text>The app learns about a company with its contacts; it will show here after the next sync.</Text>
      </EmptyState>
    );
  }
  if (state.status === 'error') {
    return (
      <ErrorState testId="error" title="The buying committee could not be loaded">
        <Text>{state.message}</Text>
        {state.errorId ? <Text variant="microcopy">{`Error id: ${state.errorId}`}</Text> : null}
        <Button
          testId="retry"
          onClick={() => {
            load();
          }}
        >
          Try again
        </Button>
      </ErrorState>
    );
  }
  return <CompanyCardBody view={state.view} />;
}

import { useCallback, useEffect, useState } from 'react';
import { Button, ErrorState, Flex, hubspot, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { CardView } from '../src/card-api/card-view';
import { CardApiError, fetchCardView } from './card-api-client';
import { PersonaCardBody } from './PersonaCardBody';

hubspot.extend<'crm.record.tab'>(({ context, actions }) => (
  <PersonaCard portalId={context.portal.id} contactId={context.crm.objectId} addAlert={actions.addAlert} />
));

type AddAlert = (args: { type?: 'info' | 'warning' | 'success' | 'danger' | 'tip'; message: string; title?: string }) => void;

type CardState =
  | { status: 'loading' }
  | { status: 'error'; message: string; errorId: string | null }
  | { status: 'ready'; view: CardView; recomputing: boolean };

export interface PersonaCardProps {
  portalId: number;
  contactId: number | string;
  addAlert: AddAlert;
}

export function PersonaCard({ portalId, contactId, addAlert }: PersonaCardProps) {
  const [state, setState] = useState<CardState>({ status: 'loading' });

  const load = useCallback(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    fetchCardView(portalId, contactId).then(
      (view) => {
        if (!cancelled) setState({ status: 'ready', view, recomputing: false });
      },
      (err: unknown) => {
        if (!cancelled) setState({ status: 'error', ...describe(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [portalId, contactId]);

  useEffect(load, [load]);

  const recompute = useCallback(() => {
    if (state.status !== 'ready' || state.recomputing) return;
    setState({ ...state, recomputing: true });
    fetchCardView(portalId, contactId, { recompute: true }).then(
      (view) => {
        setState({ status: 'ready', view, recomputing: false });
        addAlert({
          type: 'success',
          message: view.persona ? `Persona recomputed: ${view.persona.name}` : `Persona recomputed: ${view.unassignedLabel}`,
        });
      },
      (err: unknown) => {
        // Keep showing the last good view; the alert says what went wrong.
        setState({ ...state, recomputing: false });
        const { message, errorId } = describe(err);
        addAlert({ type: 'danger', title: 'Recompute failed', message: errorId ? `${message} (error ${errorId})` : message });
      },
    );
  }, [state, portalId, contactId, addAlert]);

  if (state.status === 'loading') return <LoadingSpinner testId="loading" label="Loading persona…" showLabel layout="centered" />;

  if (state.status === 'error') {
    return (
      <ErrorState testId="error" title="The persona could not be loaded">
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

  return (
    <Flex direction="column" gap="sm">
      <PersonaCardBody view={state.view} />
      <Flex direction="row" justify="end">
        <Button testId="recompute" variant="secondary" size="sm" disabled={state.recomputing} onClick={recompute}>
          {state.recomputing ? 'Recomputing…' : 'Recompute now'}
        </Button>
      </Flex>
    </Flex>
  );
}

function describe(err: unknown): { message: string; errorId: string | null } {
  if (err instanceof CardApiError) return { message: err.message, errorId: err.errorId };
  return { message: 'The persona service could not be reached. Try again in a moment.', errorId: null };
}

import {
  Accordion,
  Alert,
  Button,
  DescriptionList,
  DescriptionListItem,
  EmptyState,
  ErrorState,
  Heading,
  Image,
  List,
  LoadingSpinner,
  ProgressBar,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import type { CardView } from '../../src/card-api/card-view';
import { buildCardView } from '../../src/card-api/build-card-view';
import {
  anAssignment,
  anEvaluation,
  anExplanation,
  anInput,
  champion,
  explorer,
  unassignedAssignment,
} from '../../test/unit/card-api/card-fixtures';
import { API_BASE } from '../api-base';
import { PersonaCard } from '../PersonaCard';

type FetchCall = { url: string; options: { method?: string; body?: unknown } | undefined };

/** hubspot.fetch calls self.hsFetch inside HubSpot's worker; the tests stand in for it. */
function stubHubSpotFetch(...answers: (Response | Error)[]): FetchCall[] {
  const calls: FetchCall[] = [];
  (globalThis as unknown as { self: unknown }).self = {
    hsFetch: async (url: string, options?: FetchCall['options']) => {
      calls.push({ url, options });
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      if (answer instanceof Error) throw answer;
      return answer.clone();
    },
  };
  return calls;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const assignedView: CardView = buildCardView(
  anInput({
    portalId: 123,
    contactId: '123',
    assignment: anAssignment({ secondary: ['champion'] }),
    evaluation: anExplanation([anEvaluation(champion, { 'Owns budget': true }, [{ label: 'Owns budget', points: 55 }])]),
    tickets: [
      {
        id: '9',
        properties: { subject: 'Cannot log in', hs_pipeline_stage: '1', createdate: '2026-11-20T10:00:00Z', hs_ticket_priority: 'HIGH' },
      },
    ],
  }),
);

function renderCard() {
  const renderer = createRenderer('crm.record.tab');
  renderer.render(
    <PersonaCard
      portalId={renderer.mocks.context.portal.id}
      contactId={renderer.mocks.context.crm.objectId}
      addAlert={renderer.mocks.actions.addAlert}
    />,
  );
  return renderer;
}

const texts = (node: { findAll: (c: typeof Text) => { text: string | null }[] }) => node.findAll(Text).map((t) => t.text);

afterEach(() => {
  delete (globalThis as { self?: unknown }).self;
});

describe('PersonaCard', () => {
  it('shows a spinner, then asks the card API for this portal and contact', async () => {
    const calls = stubHubSpotFetch(json(assignedView));
    const { find, findAll, waitFor } = renderCard();

    expect(find(LoadingSpinner).props.label).toBe('Loading persona…');
    await waitFor(() => expect(find(Heading).text).toBe('Eager Explorer'));
    expect(findAll(LoadingSpinner)).toHaveLength(0);
    expect(calls).toEqual([
      { url: `${API_BASE}/api/cards/persona?portalId=123&contactId=123`, options: expect.objectContaining({ method: 'GET' }) },
    ]);
  });

  it('shows who the persona is, how it scored and why, for a rep to act on', async () => {
    stubHubSpotFetch(json(assignedView));
    const { find, findByTestId, waitFor } = renderCard();
    await waitFor(() => find(Heading));

    // The rule set's photo path is relative to the app; inside HubSpot it must point at the app.
    expect(findByTestId(Image, 'persona-photo').props.src).toBe(`${API_BASE}/static/personas/explorer.svg`);
    expect(findByTestId(Tag, 'persona-kind').text).toBe('Customer persona');
    expect(findByTestId(Tag, 'rules-tag').text).toBe('Set by rules');
    expect(findByTestId(ProgressBar, 'persona-score').props).toMatchObject({ valueDescription: '45 of 40 points', variant: 'success' });
    expect(
      findByTestId(DescriptionList, 'fired-rules')
        .findAll(DescriptionListItem)
        .map((i) => [i.props.label, i.find(Text).text]),
    ).toEqual([
      ['Reads a lot', '+20'],
      ['Analyst title', '+25'],
    ]);
    expect(findByTestId(Text, 'runner-up').text).toBe('Runner-up: Budget Champion with 30 of 50 points, 15 behind.');
    expect(findByTestId(Text, 'persona-bio').text).toBe('Reads everything before buying.');
    expect(texts(findByTestId(List, 'talking-points'))).toEqual(['Show the roadmap', 'Offer the sandbox']);
    expect(texts(findByTestId(List, 'content-for-stage'))).toEqual(['Comparison sheet']);
    expect(texts(findByTestId(List, 'objections'))).toEqual(['Is it mature enough?']);
    expect(texts(findByTestId(List, 'channels'))).toEqual(['Email', 'Webinars']);
    expect(findByTestId(Tag, 'secondary-champion').text).toBe('Budget Champion · 55');
    expect(findByTestId(Text, 'ticket-summary').text).toBe('1 ticket, 1 open.');
    expect(findByTestId(DescriptionList, 'recent-tickets').find(DescriptionListItem).props.label).toBe('Cannot log in');
  });

  it("shows the contact's company and its latest survey answers, newest first, and nothing of either when there is none", async () => {
    stubHubSpotFetch(
      json(
        buildCardView(
          anInput({
            portalId: 123,
            contactId: '123',
            company: { id: '77', properties: { name: 'Acme Corp', industry: 'FINANCIAL_SERVICES', numberofemployees: '5200' } },
            surveys: [
              {
                id: 's1',
                properties: { hs_survey_type: 'NPS', hs_value: '9', hs_content: 'Great reports.', hs_createdate: '2026-10-01T00:00:00Z' },
              },
              {
                id: 's2',
                properties: {
                  hs_survey_type: 'CSAT',
                  hs_value: '2',
                  hs_content: 'Support was slow.',
                  hs_createdate: '2026-11-02T00:00:00Z',
                },
              },
              { id: 's3', properties: { hs_survey_type: 'NPS', hs_value: '4', hs_createdate: '2026-06-01T00:00:00Z' } },
              { id: 's4', properties: { hs_survey_type: 'CES', hs_value: '5', hs_createdate: '2025-01-01T00:00:00Z' } },
            ],
          }),
        ),
      ),
    );
    const { find, findByTestId, waitFor } = renderCard();
    await waitFor(() => find(Heading));

    expect(findByTestId(Text, 'company').text).toBe('Acme Corp · financial services · 5,200 employees');
    expect(
      findByTestId(DescriptionList, 'survey-answers')
        .findAll(DescriptionListItem)
        .map((i) => [i.props.label, i.find(Text).text]),
    ).toEqual([
      ['CSAT 2 · 2026-11-02', 'Support was slow.'],
      ['NPS 9 · 2026-10-01', 'Great reports.'],
      ['NPS 4 · 2026-06-01', '(no comment)'],
    ]);

    stubHubSpotFetch(json(assignedView));
    const plain = renderCard();
    await plain.waitFor(() => plain.find(Heading));
    expect(plain.maybeFindByTestId(Text, 'company')).toBeNull();
    expect(plain.maybeFindByTestId(DescriptionList, 'survey-answers')).toBeNull();
  });

  it('shows the facts behind company and survey rules, and what contacts of this persona say', async () => {
    const view = buildCardView(
      anInput({
        portalId: 123,
        contactId: '123',
        assignment: anAssignment({
          explanation: {
            ...anAssignment().explanation,
            firedRules: [
              { label: 'Large company', points: 20, facts: ['primary company: Acme, 5,200 employees'] },
              { label: 'Analyst title', points: 25 },
            ],
          },
        }),
      }),
    );
    view.persona!.whatTheySay = [
      { comment: 'The exports save me a day a week.', type: 'NPS', score: 10, date: '2026-11-20' },
      { comment: 'Setup was confusing.', type: null, score: null, date: null },
    ];
    stubHubSpotFetch(json(view));
    const { find, findByTestId, waitFor } = renderCard();
    await waitFor(() => find(Heading));

    const [company, title] = findByTestId(DescriptionList, 'fired-rules').findAll(DescriptionListItem);
    expect(company.props.label).toBe('Large company');
    expect(texts(company)).toEqual(['+20', 'primary company: Acme, 5,200 employees']);
    expect(texts(title)).toEqual(['+25']);
    expect(
      findByTestId(DescriptionList, 'what-they-say')
        .findAll(DescriptionListItem)
        .map((i) => [i.props.label, i.find(Text).text]),
    ).toEqual([
      ['2026-11-20 · NPS 10', '“The exports save me a day a week.”'],
      ['Survey', '“Setup was confusing.”'],
    ]);

    stubHubSpotFetch(json(assignedView));
    const plain = renderCard();
    await plain.waitFor(() => plain.find(Heading));
    expect(plain.maybeFindByTestId(DescriptionList, 'what-they-say')).toBeNull();
  });

  it('marks a persona set by hand and still shows what the rules would say', async () => {
    stubHubSpotFetch(
      json(
        buildCardView(
          anInput({
            portalId: 123,
            contactId: '123',
            override: { persona: 'champion', by: 'rep@example.com', at: Date.parse('2026-11-20T09:30:00Z') },
          }),
        ),
      ),
    );
    const { find, findByTestId, waitFor } = renderCard();
    await waitFor(() => find(Heading));

    expect(find(Heading).text).toBe('Budget Champion');
    expect(findByTestId(Tag, 'manual-tag').text).toBe('Set by hand');
    expect(findByTestId(Alert, 'manual-override').text).toBe(
      'Set by rep@example.com on 2026-11-20; the app keeps this value. The rules would say: Eager Explorer (45 of 40 points).',
    );
    expect(findByTestId(Accordion, 'why').props.title).toBe('Why Eager Explorer (according to the rules)');
  });

  it('shows an unassigned contact what would make it qualify for the nearest persona', async () => {
    stubHubSpotFetch(
      json(
        buildCardView(
          anInput({
            portalId: 123,
            contactId: '123',
            assignment: unassignedAssignment,
            evaluation: anExplanation(
              [
                anEvaluation(explorer, { 'Reads a lot': true }, [
                  { label: 'Reads a lot', points: 20 },
                  { label: 'Analyst title', points: 25 },
                ]),
              ],
              { personaId: 'explorer', pointsMissing: 20, suggestions: [{ label: 'Analyst title', points: 25 }] },
            ),
          }),
        ),
      ),
    );
    const { find, findAll, findByTestId, waitFor } = renderCard();
    await waitFor(() => find(EmptyState));

    expect(find(EmptyState).props.title).toBe('No persona yet');
    expect(findAll(Heading)).toHaveLength(0);
    expect(findByTestId(Text, 'unassigned-hint').text).toBe('Closest persona: Eager Explorer, 20 of 40 points (20 more needed).');
    expect(
      findByTestId(DescriptionList, 'rules-to-qualify')
        .findAll(DescriptionListItem)
        .map((i) => i.props.label),
    ).toEqual(['Analyst title']);
  });

  it('shows the server\'s error with its id, and loads again on "Try again"', async () => {
    const calls = stubHubSpotFetch(
      json({ error: { id: 'err-42', code: 'internal', message: 'Something went wrong on our side' } }, 500),
      json(assignedView),
    );
    const { find, findByTestId, waitFor } = renderCard();
    await waitFor(() => find(ErrorState));

    expect(texts(find(ErrorState))).toEqual(['Something went wrong on our side', 'Error id: err-42']);
    findByTestId(Button, 'retry').trigger('onClick');
    await waitFor(() => expect(find(Heading).text).toBe('Eager Explorer'));
    expect(calls).toHaveLength(2);
  });

  it('says the service is unreachable when hubspot.fetch itself fails', async () => {
    stubHubSpotFetch(new Error('network down'));
    const { find, waitFor } = renderCard();
    await waitFor(() => find(ErrorState));

    expect(texts(find(ErrorState))).toEqual(['The persona service could not be reached. Try again in a moment.']);
  });

  it('refuses to render a card from a server speaking another contract version', async () => {
    stubHubSpotFetch(json({ ...assignedView, contractVersion: 2 }));
    const { find, waitFor } = renderCard();
    await waitFor(() => find(ErrorState));

    expect(texts(find(ErrorState))[0]).toBe('The persona service sent a card this version cannot show');
  });

  it('recomputes on "Recompute now", re-renders with the fresh persona and confirms it', async () => {
    const fresh = buildCardView(
      anInput({ portalId: 123, contactId: '123', assignment: anAssignment({ personaId: 'champion', score: 60, threshold: 50 }) }),
    );
    const calls = stubHubSpotFetch(json(assignedView), json(fresh));
    const { find, findByTestId, waitFor, mocks } = renderCard();
    await waitFor(() => expect(find(Heading).text).toBe('Eager Explorer'));

    findByTestId(Button, 'recompute').trigger('onClick');
    expect(findByTestId(Button, 'recompute').props.disabled).toBe(true);
    await waitFor(() => expect(find(Heading).text).toBe('Budget Champion'));

    expect(calls[1]).toEqual({
      url: `${API_BASE}/api/cards/persona/recompute?portalId=123&contactId=123`,
      options: expect.objectContaining({ method: 'POST' }),
    });
    expect(findByTestId(Button, 'recompute').text).toBe('Recompute now');
    expect(mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Persona recomputed: Budget Champion' }]]);
  });

  it('keeps the last good view when a recompute fails, and says why', async () => {
    stubHubSpotFetch(json(assignedView), json({ error: { id: 'err-7', code: 'unavailable', message: 'HubSpot is busy' } }, 503));
    const { find, findByTestId, waitFor, mocks } = renderCard();
    await waitFor(() => find(Heading));

    findByTestId(Button, 'recompute').trigger('onClick');
    await waitFor(() => expect(mocks.actions.addAlert.calls).toHaveLength(1));

    expect(mocks.actions.addAlert.calls[0]).toEqual([
      { type: 'danger', title: 'Recompute failed', message: 'HubSpot is busy (error err-7)' },
    ]);
    expect(find(Heading).text).toBe('Eager Explorer');
    await waitFor(() => expect(findByTestId(Button, 'recompute').props.disabled).toBe(false));
  });
});

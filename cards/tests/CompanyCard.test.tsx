import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListItem,
  EmptyState,
  ErrorState,
  Heading,
  LoadingSpinner,
  ProgressBar,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { buildCompanyCardView } from '../../src/card-api/build-company-card-view';
import { aCompanyInput, committeeRuleSet, committeeWithGaps, fullCommittee } from '../../test/unit/card-api/company-card-fixtures';
import { API_BASE } from '../api-base';
import { CompanyCard } from '../CompanyCard';

type FetchCall = { url: string; options: { method?: string } | undefined };

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

function renderCard() {
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<CompanyCard portalId={renderer.mocks.context.portal.id} companyId={renderer.mocks.context.crm.objectId} />);
  return renderer;
}

const items = (list: {
  findAll: (c: typeof DescriptionListItem) => { props: { label: string }; find: (c: typeof Text) => { text: string | null } }[];
}) => list.findAll(DescriptionListItem).map((i) => [i.props.label, i.find(Text).text]);

afterEach(() => {
  delete (globalThis as { self?: unknown }).self;
});

describe('CompanyCard', () => {
  it('asks the company card API for this portal and company, then shows a full committee: every persona present, no gaps', async () => {
    const calls = stubHubSpotFetch(json(buildCompanyCardView(aCompanyInput(fullCommittee))));
    const { find, findAll, findByTestId, maybeFindByTestId, waitFor } = renderCard();

    expect(find(LoadingSpinner).props.label).toBe('Loading the buying committee…');
    await waitFor(() => findByTestId(ProgressBar, 'coverage-summary'));
    expect(calls).toEqual([
      { url: `${API_BASE}/api/cards/company?portalId=123&companyId=123`, options: expect.objectContaining({ method: 'GET' }) },
    ]);
    expect(findByTestId(ProgressBar, 'coverage-summary').props).toMatchObject({
      valueDescription: '3 of 3 committee personas',
      variant: 'success',
    });
    expect(items(findByTestId(DescriptionList, 'holders-analyst'))).toEqual([
      ['Ben Berg', 'Data Analyst'],
      ['Cleo Cruz', 'Senior Analyst'],
      ['Dan Dietz', 'BI Analyst'],
    ]);
    expect(findByTestId(Text, 'more-analyst').text).toBe('and 1 more');
    expect(maybeFindByTestId(Text, 'more-engineer')).toBeNull();
    expect(findByTestId(Tag, 'committee-economic_buyer').text).toBe('Committee');
    expect(findAll(Alert)).toHaveLength(0);
    expect(maybeFindByTestId(Heading, 'gaps-heading')).toBeNull();
  });

  it('shows each gap with its nearest candidates, their points against the threshold and the rules they miss', async () => {
    stubHubSpotFetch(json(buildCompanyCardView(aCompanyInput(committeeWithGaps))));
    const { findByTestId, maybeFindByTestId, waitFor } = renderCard();
    await waitFor(() => findByTestId(Alert, 'gap-economic_buyer'));

    expect(findByTestId(ProgressBar, 'coverage-summary').props).toMatchObject({
      valueDescription: '1 of 3 committee personas',
      variant: 'warning',
    });
    expect(findByTestId(Alert, 'gap-economic_buyer').props.title).toBe('Missing: Economic Buyer');
    expect(items(findByTestId(DescriptionList, 'candidates-economic_buyer'))).toEqual([
      ['Jane Roe, 35 of 55 points', 'Chief of Staff. Misses 20 points: Owns a budget (+20).'],
      ['Tom Tate, 20 of 55 points', 'Office Manager. Misses 35 points: C-level title (+35).'],
      ['Mia Moss, 15 of 55 points', 'Marketing Lead. Misses 40 points: C-level title (+35), Owns a budget (+20). Holds Marketing Ops.'],
    ]);
    expect(findByTestId(Text, 'no-candidates-engineer').text).toBe('No contact here scores any points for this persona.');
    expect(maybeFindByTestId(Tag, 'committee-marketer')).toBeNull();
    expect(findByTestId(Text, 'others').text).toBe('3 contacts have no persona; 1 is a negative persona.');
  });

  it('says a company without contacts has no committee yet, with nothing covered', async () => {
    stubHubSpotFetch(json(buildCompanyCardView(aCompanyInput([]))));
    const { find, findByTestId, findAll, waitFor } = renderCard();
    await waitFor(() => find(EmptyState));

    expect(find(EmptyState).props.title).toBe('No contacts at this company yet');
    expect(findByTestId(ProgressBar, 'coverage-summary').props.valueDescription).toBe('0 of 3 committee personas');
    expect(findAll(Alert)).toHaveLength(0);
  });

  it('says so when the rule set marks no committee persona, and still lists the personas present', async () => {
    const noCommittee = { ...committeeRuleSet, personas: committeeRuleSet.personas.map((p) => ({ ...p, committee: false })) };
    stubHubSpotFetch(json(buildCompanyCardView(aCompanyInput(fullCommittee, { ruleSet: noCommittee, gaps: [] }))));
    const { findByTestId, findAll, waitFor } = renderCard();
    await waitFor(() => findByTestId(Text, 'coverage-summary'));

    expect(findByTestId(Text, 'coverage-summary').text).toBe('The rule set marks no persona as part of the buying committee.');
    expect(findAll(ProgressBar)).toHaveLength(0);
    expect(findByTestId(DescriptionList, 'holders-economic_buyer').findAll(DescriptionListItem)).toHaveLength(1);
  });

  it('shows an unknown company (404) as not synced yet, not as an error', async () => {
    stubHubSpotFetch(json({ error: { id: 'e1', code: 'not_found', message: 'Company 123 was not found in portal 123' } }, 404));
    const { find, findAll, waitFor } = renderCard();
    await waitFor(() => find(EmptyState));

    expect(find(EmptyState).props.title).toBe('This company is not synced yet');
    expect(findAll(ErrorState)).toHaveLength(0);
  });

  it('shows the server\'s error with its id and loads again on "Try again"; refuses another contract version', async () => {
    const calls = stubHubSpotFetch(
      json({ error: { id: 'err-9', code: 'forbidden', message: 'Signature mismatch' } }, 401),
      json({ ...buildCompanyCardView(aCompanyInput(fullCommittee)), contractVersion: 2 }),
    );
    const { find, findByTestId, waitFor } = renderCard();
    await waitFor(() => find(ErrorState));

    expect(
      find(ErrorState)
        .findAll(Text)
        .map((t) => t.text),
    ).toEqual(['Signature mismatch', 'Error id: err-9']);
    findByTestId(Button, 'retry').trigger('onClick');
    await waitFor(() => expect(find(ErrorState).find(Text).text).toBe('The persona service sent a card this version cannot show'));
    expect(calls).toHaveLength(2);
  });
});

import {
  Accordion,
  Alert,
  Box,
  DescriptionList,
  DescriptionListItem,
  Divider,
  EmptyState,
  Flex,
  Heading,
  Image,
  List,
  ProgressBar,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import type { CardPersonaKind, CardPersonaQuote, CardRule, CardValidation, CardView } from '../src/card-api/card-view';
import { API_BASE } from './api-base';

/** Renders a card view; holds no state and makes no calls, so every section is testable from data. */
export function PersonaCardBody({ view }: { view: CardView }) {
  return view.persona ? <AssignedPersona view={view} /> : <UnassignedPersona view={view} />;
}

/** Photo paths in the rule set are relative to the app, which HubSpot's card frame is not. */
function absoluteUrl(url: string): string {
  return url.startsWith('/') && !url.startsWith('//') ? `${API_BASE}${url}` : url;
}

const KIND_LABEL: Record<CardPersonaKind, string> = { buyer: 'Buyer persona', customer: 'Customer persona', negative: 'Negative persona' };
const KIND_VARIANT: Record<CardPersonaKind, 'success' | 'info' | 'error'> = { buyer: 'success', customer: 'info', negative: 'error' };
const VERDICT_VARIANT: Record<CardValidation['status'], 'success' | 'error' | 'default'> = {
  supported: 'success',
  refuted: 'error',
  'not-yet-known': 'default',
};

function AssignedPersona({ view }: { view: CardView }) {
  const persona = view.persona!;
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="md" align="start">
        {persona.photoUrl ? (
          <Image testId="persona-photo" src={absoluteUrl(persona.photoUrl)} alt={persona.name} width={64} height={64} />
        ) : null}
        <Flex direction="column" gap="xs">
          <Heading testId="persona-name">{persona.name}</Heading>
          <Flex direction="row" gap="xs" wrap>
            {persona.kind ? (
              <Tag testId="persona-kind" variant={KIND_VARIANT[persona.kind]}>
                {KIND_LABEL[persona.kind]}
              </Tag>
            ) : null}
            {view.setByHand ? (
              <Tag testId="manual-tag" variant="warning">
                Set by hand
              </Tag>
            ) : (
              <Tag testId="rules-tag" variant="default">
                Set by rules
              </Tag>
            )}
            <Tag variant="default">{`Stage: ${view.journeyStage}`}</Tag>
            {view.validation ? (
              <Tag
                testId="persona-validation"
                variant={VERDICT_VARIANT[view.validation.status]}
              >{`${view.validation.words} · ${view.validation.date}`}</Tag>
            ) : null}
          </Flex>
          {view.score ? (
            <ProgressBar
              testId="persona-score"
              title="Score against threshold"
              value={Math.min(view.score.score, view.score.threshold)}
              maxValue={view.score.threshold}
              valueDescription={`${view.score.score} of ${view.score.threshold} points`}
              variant={view.score.qualifies ? 'success' : 'warning'}
            />
          ) : null}
        </Flex>
      </Flex>
      <ManualOverride view={view} />
      <Why view={view} />
      {persona.bio ? <Text testId="persona-bio">{persona.bio}</Text> : null}
      <ItemList testId="talking-points" title="Talking points" items={persona.talkingPoints} />
      <ItemList testId="content-for-stage" title={`Content for the ${view.journeyStage} stage`} items={view.contentForStage} />
      <Accordion title="Goals, challenges and objections" size="sm">
        <ItemList testId="goals" title="Goals" items={persona.goals} />
        <ItemList testId="challenges" title="Challenges" items={persona.challenges} />
        <ItemList testId="objections" title="Objections" items={persona.objections} />
      </Accordion>
      <WhatTheySay quotes={persona.whatTheySay ?? []} />
      <ItemList testId="channels" title="Channel preferences" items={persona.channels} />
      <Secondary view={view} />
      <Account view={view} />
      <Tickets view={view} />
    </Flex>
  );
}

function UnassignedPersona({ view }: { view: CardView }) {
  const hint = view.unassignedHint;
  return (
    <Flex direction="column" gap="sm">
      <EmptyState testId="unassigned" title={view.unassignedLabel} imageName="contacts" layout="horizontal" flush>
        {view.setByHand ? (
          <Tag testId="manual-tag" variant="warning">
            Set by hand
          </Tag>
        ) : null}
        {hint ? (
          <Box>
            <Text testId="unassigned-hint">
              {`Closest persona: ${hint.personaName}, ${hint.score} of ${hint.threshold} points (${hint.pointsNeeded} more needed).`}
            </Text>
            {hint.rulesToQualify.length > 0 ? (
              <>
                <Text>{hint.reachable ? 'It would qualify with:' : 'Even all of these would not be enough:'}</Text>
                <RuleList testId="rules-to-qualify" rules={hint.rulesToQualify} />
              </>
            ) : null}
          </Box>
        ) : (
          <Text>No persona rule matches this contact yet.</Text>
        )}
      </EmptyState>
      <ManualOverride view={view} />
      <Secondary view={view} />
      <Account view={view} />
      <Tickets view={view} />
    </Flex>
  );
}

function ManualOverride({ view }: { view: CardView }) {
  const manual = view.setByHand;
  if (!manual) return null;
  const by = manual.setBy ? ` by ${manual.setBy}` : '';
  const at = manual.setAt ? ` on ${manual.setAt.slice(0, 10)}` : '';
  const computed =
    view.computed.personaId === null
      ? view.computed.personaName
      : `${view.computed.personaName} (${view.computed.score} of ${view.computed.threshold ?? '-'} points)`;
  return (
    <Alert testId="manual-override" title="Set by hand" variant="warning">
      {`Set${by}${at}; the app keeps this value. The rules would say: ${computed}.`}
    </Alert>
  );
}

function Why({ view }: { view: CardView }) {
  const why = view.why;
  if (!why) return null;
  const runnerUp = why.runnerUp;
  return (
    <Accordion testId="why" title={`Why ${why.personaName}${view.setByHand ? ' (according to the rules)' : ''}`} defaultOpen size="sm">
      {why.firedRules.length > 0 ? <RuleList testId="fired-rules" rules={why.firedRules} /> : <Text>No rule fired.</Text>}
      <Text testId="why-score">{`Score ${why.score} against a threshold of ${why.threshold}.`}</Text>
      {runnerUp ? (
        <Text testId="runner-up" variant="microcopy">
          {`Runner-up: ${runnerUp.personaName} with ${runnerUp.score} of ${runnerUp.threshold} points${runnerUp.qualifies ? ' (also qualifies)' : ''}, ${runnerUp.margin} behind.`}
        </Text>
      ) : null}
    </Accordion>
  );
}

function Secondary({ view }: { view: CardView }) {
  if (view.secondary.length === 0) return null;
  return (
    <Box>
      <Text format={{ fontWeight: 'demibold' }}>Also matches</Text>
      <Flex direction="row" gap="xs" wrap>
        {view.secondary.map((s) => (
          <Tag key={s.id} testId={`secondary-${s.id}`} variant={KIND_VARIANT[s.kind]}>
            {s.score === null ? s.name : `${s.name} · ${s.score}`}
          </Tag>
        ))}
      </Flex>
    </Box>
  );
}

/** The primary company (firmographics) and the latest survey answers: what the account is and what the person says. */
function Account({ view }: { view: CardView }) {
  const company = view.company;
  const surveys = view.surveys ?? [];
  if (!company && surveys.length === 0) return null;
  return (
    <Box>
      <Divider />
      {company ? (
        <Text testId="company">
          {[
            company.name,
            company.industry?.replace(/_/g, ' ').toLowerCase(),
            company.employees === null ? null : `${company.employees.toLocaleString('en-US')} employees`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
      ) : null}
      {surveys.length > 0 ? (
        <DescriptionList testId="survey-answers" direction="column">
          {surveys.map((answer) => (
            <DescriptionListItem
              key={answer.id}
              label={`${answer.type}${answer.score === null ? '' : ` ${answer.score}`}${answer.createdAt ? ` · ${answer.createdAt.slice(0, 10)}` : ''}`}
            >
              <Text>{answer.comment ?? '(no comment)'}</Text>
            </DescriptionListItem>
          ))}
        </DescriptionList>
      ) : null}
    </Box>
  );
}

function Tickets({ view }: { view: CardView }) {
  const t = view.tickets;
  return (
    <Box>
      <Divider />
      <Text format={{ fontWeight: 'demibold' }}>Recent tickets</Text>
      <Text testId="ticket-summary">{t.total === 0 ? 'No tickets.' : `${t.total} ticket${t.total === 1 ? '' : 's'}, ${t.open} open.`}</Text>
      {t.recent.length > 0 ? (
        <DescriptionList testId="recent-tickets" direction="column">
          {t.recent.map((ticket) => (
            <DescriptionListItem key={ticket.id} label={ticket.subject}>
              <Text>{[ticket.status, ticket.priority, ticket.createdAt?.slice(0, 10)].filter(Boolean).join(' · ')}</Text>
            </DescriptionListItem>
          ))}
        </DescriptionList>
      ) : null}
    </Box>
  );
}

/** Survey comments of this persona's contacts: what they say, next to what the admin wrote about them. */
function WhatTheySay({ quotes }: { quotes: readonly CardPersonaQuote[] }) {
  if (quotes.length === 0) return null;
  return (
    <Box>
      <Text format={{ fontWeight: 'demibold' }}>What they say</Text>
      <DescriptionList testId="what-they-say" direction="column">
        {quotes.map((quote, i) => (
          <DescriptionListItem
            key={i}
            label={[quote.date, [quote.type, quote.score].filter((v) => v !== null).join(' ')].filter(Boolean).join(' · ') || 'Survey'}
          >
            <Text>{`“${quote.comment}”`}</Text>
          </DescriptionListItem>
        ))}
      </DescriptionList>
    </Box>
  );
}

function ItemList({ title, items, testId }: { title: string; items: readonly string[]; testId: string }) {
  if (items.length === 0) return null;
  return (
    <Box>
      <Text format={{ fontWeight: 'demibold' }}>{title}</Text>
      <List testId={testId} variant="unordered-styled">
        {items.map((item, i) => (
          <Text key={i}>{item}</Text>
        ))}
      </List>
    </Box>
  );
}

function RuleList({ rules, testId }: { rules: readonly CardRule[]; testId: string }) {
  return (
    <DescriptionList testId={testId} direction="row">
      {rules.map((rule, i) => (
        <DescriptionListItem key={i} label={rule.label}>
          <Text>{rule.points > 0 ? `+${rule.points}` : String(rule.points)}</Text>
          {(rule.facts ?? []).map((fact, f) => (
            <Text key={f} variant="microcopy">
              {fact}
            </Text>
          ))}
        </DescriptionListItem>
      ))}
    </DescriptionList>
  );
}

import {
  Alert,
  DescriptionList,
  DescriptionListItem,
  Divider,
  EmptyState,
  Flex,
  Heading,
  ProgressBar,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import type { CompanyCardCandidate, CompanyCardGap, CompanyCardPersonaGroup, CompanyCardView } from '../src/card-api/company-card-view';

/** Renders a company card view; holds no state and makes no calls, so every section is testable from data. */
export function CompanyCardBody({ view }: { view: CompanyCardView }) {
  if (view.state === 'no-contacts') {
    return (
      <EmptyState testId="no-contacts" title="No contacts at this company yet" imageName="contacts" layout="horizontal" flush>
        <Text>{`Associate contacts with ${view.company.name} to see which personas its buying committee has.`}</Text>
        <Coverage view={view} />
      </EmptyState>
    );
  }
  return (
    <Flex direction="column" gap="sm">
      <Coverage view={view} />
      <Heading testId="present-heading">Personas present</Heading>
      {view.present.length === 0 ? (
        <Text testId="nobody-present">{`None of the ${view.contactCount} contacts holds a persona yet.`}</Text>
      ) : (
        view.present.map((group) => <PersonaGroup key={group.personaId} group={group} />)
      )}
      <Others view={view} />
      {view.gaps.length > 0 ? (
        <>
          <Divider />
          <Heading testId="gaps-heading">Committee gaps</Heading>
          {view.gaps.map((gap) => (
            <Gap key={gap.personaId} gap={gap} />
          ))}
        </>
      ) : null}
    </Flex>
  );
}

function Coverage({ view }: { view: CompanyCardView }) {
  const { covered, committee } = view.coverage;
  if (committee === 0) {
    return <Text testId="coverage-summary">The rule set marks no persona as part of the buying committee.</Text>;
  }
  return (
    <ProgressBar
      testId="coverage-summary"
      title="Buying committee coverage"
      value={covered}
      maxValue={committee}
      valueDescription={`${covered} of ${committee} committee personas`}
      variant={covered === committee ? 'success' : 'warning'}
    />
  );
}

function PersonaGroup({ group }: { group: CompanyCardPersonaGroup }) {
  const more = group.total - group.contacts.length;
  return (
    <Flex direction="column" gap="xs">
      <Flex direction="row" gap="xs" wrap align="center">
        <Text format={{ fontWeight: 'demibold' }}>{group.personaName}</Text>
        {group.committee ? (
          <Tag testId={`committee-${group.personaId}`} variant="success">
            Committee
          </Tag>
        ) : null}
      </Flex>
      <DescriptionList testId={`holders-${group.personaId}`} direction="column">
        {group.contacts.map((c) => (
          <DescriptionListItem key={c.contactId} label={c.name}>
            <Text>{c.jobTitle ?? 'No job title'}</Text>
          </DescriptionListItem>
        ))}
      </DescriptionList>
      {more > 0 ? <Text testId={`more-${group.personaId}`} variant="microcopy">{`and ${more} more`}</Text> : null}
    </Flex>
  );
}

function Others({ view }: { view: CompanyCardView }) {
  const parts: string[] = [];
  if (view.withoutPersona > 0)
    parts.push(`${view.withoutPersona} ${view.withoutPersona === 1 ? 'contact has' : 'contacts have'} no persona`);
  if (view.negative > 0) parts.push(`${view.negative} ${view.negative === 1 ? 'is' : 'are'} a negative persona`);
  return parts.length > 0 ? <Text testId="others" variant="microcopy">{`${parts.join('; ')}.`}</Text> : null;
}

function Gap({ gap }: { gap: CompanyCardGap }) {
  return (
    <Alert testId={`gap-${gap.personaId}`} title={`Missing: ${gap.personaName}`} variant="warning">
      {gap.candidates.length === 0 ? (
        <Text testId={`no-candidates-${gap.personaId}`}>No contact here scores any points for this persona.</Text>
      ) : (
        <DescriptionList testId={`candidates-${gap.personaId}`} direction="column">
          {gap.candidates.map((c) => (
            <DescriptionListItem key={c.contactId} label={`${c.name}, ${c.score} of ${c.threshold} points`}>
              <Text>{candidateNote(c)}</Text>
            </DescriptionListItem>
          ))}
        </DescriptionList>
      )}
    </Alert>
  );
}

function candidateNote(c: CompanyCardCandidate): string {
  const title = c.jobTitle ? `${c.jobTitle}. ` : '';
  if (c.pointsMissing === 0) return `${title}Qualifies, but holds ${c.holdsPersonaName ?? 'another persona'}.`;
  const rules = c.missingRules.map((r) => `${r.label} (+${r.points})`).join(', ');
  const holds = c.holdsPersonaName ? ` Holds ${c.holdsPersonaName}.` : '';
  if (!c.reachable) return `${title}Misses ${c.pointsMissing} points; even ${rules || 'every rule'} would not be enough.${holds}`;
  return `${title}Misses ${c.pointsMissing} points: ${rules}.${holds}`;
}

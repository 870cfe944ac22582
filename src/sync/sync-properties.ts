import type { PortalId } from '../crm/model';
import type { PortalStore } from '../install/portal-store';
import type { RuleSetService } from '../personas/rule-set-service';
import { personaPropertyNames } from '../personas/writeback';
import { accountAccess, type AccountAccess } from '../crm/account-access';
import type { CrmRecord, ObjectKind } from '../crm/hubspot-port';

/** Properties the persona card shows besides what the rules read. */
export const CARD_CONTACT_PROPERTIES = ['email', 'firstname', 'lastname', 'jobtitle', 'company', 'lifecyclestage'] as const;
/** Company properties shown to reps (card, accounts view) besides what the rules read. */
export const CARD_COMPANY_PROPERTIES = ['name', 'domain', 'industry', 'numberofemployees', 'annualrevenue', 'lifecyclestage'] as const;
/** Survey response properties shown as evidence besides what the rules read. */
export const CARD_SURVEY_PROPERTIES = [
  'hs_survey_type',
  'hs_survey_name',
  'hs_value',
  'hs_response_group',
  'hs_content',
  'hs_sentiment',
  'hs_survey_channel',
  'hs_createdate',
] as const;

const MODIFIED: Record<ObjectKind, string> = {
  contacts: 'lastmodifieddate',
  tickets: 'hs_lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  feedback_submissions: 'hs_lastmodifieddate',
};

/** The properties a sync reads of each kind, and which related kinds the portal's grant lets it read. */
export interface SyncProperties {
  readonly contactProperties: string[];
  readonly ticketProperties: string[];
  readonly companyProperties: string[];
  readonly surveyProperties: string[];
  readonly access: AccountAccess;
}

/** What the live rule set reads, what the card shows, the persona properties and each kind's modification time. */
export async function syncProperties(
  deps: { readonly ruleSets: RuleSetService; readonly portals: PortalStore },
  portalId: PortalId,
): Promise<SyncProperties> {
  const live = await deps.ruleSets.live(portalId);
  const names = personaPropertyNames(live.ruleSet.property);
  const portal = await deps.portals.get(portalId);
  return {
    contactProperties: [
      ...new Set([
        ...live.compiled.contactProperties,
        names.persona,
        names.secondary,
        names.score,
        ...CARD_CONTACT_PROPERTIES,
        'associatedcompanyid',
        MODIFIED.contacts,
      ]),
    ],
    ticketProperties: [...new Set([...live.compiled.ticketProperties, 'subject', 'createdate', MODIFIED.tickets])],
    companyProperties: [...new Set([...live.compiled.companyProperties, ...CARD_COMPANY_PROPERTIES, MODIFIED.companies])],
    surveyProperties: [...new Set([...live.compiled.surveyProperties, ...CARD_SURVEY_PROPERTIES, MODIFIED.feedback_submissions])],
    access: accountAccess(portal?.scopes ?? []),
  };
}

export function propertiesOf(props: SyncProperties, kind: ObjectKind): string[] {
  if (kind === 'contacts') return props.contactProperties;
  if (kind === 'tickets') return props.ticketProperties;
  return kind === 'companies' ? props.companyProperties : props.surveyProperties;
}

/** When HubSpot last modified the record, by the property search sorts on (the record's updatedAt if absent). */
export function modifiedAt(kind: ObjectKind, r: CrmRecord): number {
  const parsed = Date.parse(r.properties[MODIFIED[kind]] ?? '');
  return Number.isFinite(parsed) ? parsed : r.updatedAt;
}

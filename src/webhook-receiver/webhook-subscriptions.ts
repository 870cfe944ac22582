import { WEBHOOK_ROUTE } from './webhook-routes';

/**
 * The app's webhook subscriptions as a 2025.2 project component (`webhooks/webhooks-hsmeta.json`,
 * docs/hubspot-contracts.md, Subscriptions), derived from the rule set so that every contact property the rules read has a
 * property-change subscription and nothing else does (each one costs HubSpot traffic and our work).
 */

export interface CrmObjectSubscription {
  subscriptionType: 'object.creation' | 'object.propertyChange';
  objectType: 'contact' | 'ticket' | 'company';
  propertyName?: string;
  active: boolean;
}

export interface LegacySubscription {
  subscriptionType: string;
  active: boolean;
}

export interface WebhooksHsmeta {
  uid: string;
  type: 'webhooks';
  config: {
    settings: { targetUrl: string; maxConcurrentRequests: number };
    subscriptions: {
      crmObjects: CrmObjectSubscription[];
      legacyCrmObjects: LegacySubscription[];
      hubEvents: LegacySubscription[];
    };
  };
}

/** Placeholder the project assembler replaces with APP_BASE_URL. */
export const DEFAULT_WEBHOOK_BASE_URL = 'https://personas.example.com';

// HubSpot refuses subscriptions to these (docs/hubspot-contracts.md, Subscriptions).
const UNSUBSCRIBABLE = new Set(['num_unique_conversion_events', 'hs_lastmodifieddate']);

export interface SubscriptionSource {
  readonly contactProperties: readonly string[];
  readonly ticketProperties: readonly string[];
  /** Company properties the rules read: a change rescores the contacts whose primary company it is. */
  readonly companyProperties?: readonly string[];
  /** The persona property the app owns: a change by anyone else is a manual override. */
  readonly personaProperty: string;
}

export function buildWebhooksHsmeta(source: SubscriptionSource, options: { baseUrl?: string } = {}): WebhooksHsmeta {
  const base = (options.baseUrl ?? DEFAULT_WEBHOOK_BASE_URL).replace(/\/+$/, '');
  const watch = (names: readonly string[]) => [...new Set(names)].filter((n) => !UNSUBSCRIBABLE.has(n)).sort();
  const contactProps = watch([...source.contactProperties, source.personaProperty]);
  const ticketProps = watch(source.ticketProperties);
  const companyProps = watch(source.companyProperties ?? []);
  return {
    uid: 'persona_webhooks',
    type: 'webhooks',
    config: {
      settings: { targetUrl: `${base}${WEBHOOK_ROUTE}`, maxConcurrentRequests: 10 },
      subscriptions: {
        crmObjects: [
          { subscriptionType: 'object.creation', objectType: 'contact', active: true },
          ...contactProps.map((propertyName) => ({
            subscriptionType: 'object.propertyChange' as const,
            objectType: 'contact' as const,
            propertyName,
            active: true,
          })),
          { subscriptionType: 'object.creation', objectType: 'ticket', active: true },
          ...ticketProps.map((propertyName) => ({
            subscriptionType: 'object.propertyChange' as const,
            objectType: 'ticket' as const,
            propertyName,
            active: true,
          })),
          ...companyProps.map((propertyName) => ({
            subscriptionType: 'object.propertyChange' as const,
            objectType: 'company' as const,
            propertyName,
            active: true,
          })),
        ],
        legacyCrmObjects: [
          { subscriptionType: 'contact.deletion', active: true },
          { subscriptionType: 'contact.merge', active: true },
          { subscriptionType: 'contact.restore', active: true },
          { subscriptionType: 'contact.associationChange', active: true },
          { subscriptionType: 'ticket.deletion', active: true },
          // Companies: primary-company changes arrive as contact association changes (CONTACT_TO_COMPANY).
          { subscriptionType: 'company.deletion', active: true },
          { subscriptionType: 'company.merge', active: true },
          { subscriptionType: 'company.associationChange', active: true },
        ],
        hubEvents: [{ subscriptionType: 'contact.privacyDeletion', active: true }],
      },
    },
  };
}

/** The file's exact text, so a check can compare it byte for byte. */
export function renderWebhooksHsmeta(meta: WebhooksHsmeta): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}

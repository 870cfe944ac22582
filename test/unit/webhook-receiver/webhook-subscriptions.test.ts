import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileRuleSet, validateRuleSet } from '../../../src/personas/engine';
import { buildWebhooksHsmeta, renderWebhooksHsmeta } from '../../../src/webhook-receiver/webhook-subscriptions';
import { DEFAULT_RULE_SET_PATH, WEBHOOKS_HSMETA_PATH, webhooksHsmetaForRuleSetFile } from '../../../tools/webhooks-hsmeta';

const root = path.resolve(__dirname, '../../..');
const committed = readFileSync(path.join(root, WEBHOOKS_HSMETA_PATH), 'utf8');
const meta = JSON.parse(committed) as ReturnType<typeof buildWebhooksHsmeta>;

describe('the webhook subscriptions', () => {
  it('are exactly what the default rule set calls for (regenerate with tools/webhooks-hsmeta.ts)', () => {
    expect(committed).toBe(renderWebhooksHsmeta(webhooksHsmetaForRuleSetFile(path.join(root, DEFAULT_RULE_SET_PATH))));
  });

  it('watch every contact property the default rules read, and the persona property for manual overrides', () => {
    const validation = validateRuleSet(JSON.parse(readFileSync(path.join(root, DEFAULT_RULE_SET_PATH), 'utf8')));
    if (!validation.ok) throw new Error('default rule set invalid');
    const watched = meta.config.subscriptions.crmObjects
      .filter((s) => s.subscriptionType === 'object.propertyChange' && s.objectType === 'contact')
      .map((s) => s.propertyName);
    for (const name of compileRuleSet(validation.ruleSet).contactProperties) expect(watched).toContain(name);
    expect(watched).toContain(validation.ruleSet.property.name);
  });

  it('cover the lifecycle of contacts, tickets and companies, and privacy deletion', () => {
    const { crmObjects, legacyCrmObjects, hubEvents } = meta.config.subscriptions;
    const types = [
      ...crmObjects.filter((s) => s.subscriptionType === 'object.creation').map((s) => `${s.objectType}.creation`),
      ...legacyCrmObjects.map((s) => s.subscriptionType),
      ...hubEvents.map((s) => s.subscriptionType),
    ];
    expect(types.sort()).toEqual([
      'company.associationChange',
      'company.deletion',
      'company.merge',
      'contact.associationChange',
      'contact.creation',
      'contact.deletion',
      'contact.merge',
      'contact.privacyDeletion',
      'contact.restore',
      'ticket.creation',
      'ticket.deletion',
    ]);
    expect(crmObjects.some((s) => s.objectType === 'ticket' && s.subscriptionType === 'object.propertyChange')).toBe(true);
    expect([...crmObjects, ...legacyCrmObjects, ...hubEvents].every((s) => s.active)).toBe(true);
    expect(meta.config.settings.targetUrl).toMatch(/\/webhooks\/hubspot$/);
  });

  it('follow a rule set that reads a new property, and leave out properties HubSpot refuses', () => {
    const built = buildWebhooksHsmeta(
      {
        contactProperties: ['zz_new', 'jobtitle', 'jobtitle', 'hs_lastmodifieddate'],
        ticketProperties: ['createdate'],
        personaProperty: 'segment',
      },
      { baseUrl: 'https://x.example/' },
    );
    const contactProps = built.config.subscriptions.crmObjects
      .filter((s) => s.objectType === 'contact' && s.propertyName)
      .map((s) => s.propertyName);
    expect(contactProps).toEqual(['jobtitle', 'segment', 'zz_new']);
    expect(built.config.settings.targetUrl).toBe('https://x.example/webhooks/hubspot');
  });

  it('watch the company properties the rules read, and no company property when none is read', () => {
    const built = buildWebhooksHsmeta({
      contactProperties: [],
      ticketProperties: [],
      companyProperties: ['numberofemployees', 'industry', 'hs_lastmodifieddate'],
      personaProperty: 'persona',
    });
    expect(
      built.config.subscriptions.crmObjects.filter((s) => s.objectType === 'company').map((s) => `${s.subscriptionType} ${s.propertyName}`),
    ).toEqual(['object.propertyChange industry', 'object.propertyChange numberofemployees']);
    const none = buildWebhooksHsmeta({ contactProperties: [], ticketProperties: [], personaProperty: 'persona' });
    expect(none.config.subscriptions.crmObjects.some((s) => s.objectType === 'company')).toBe(false);
  });

  it('use only the keys a 2025.2 project component allows at the top level', () => {
    expect(Object.keys(meta).sort()).toEqual(['config', 'type', 'uid']);
    expect(meta.uid).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });
});

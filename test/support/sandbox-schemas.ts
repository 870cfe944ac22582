import { z } from 'zod';

/**
 * HubSpot's response shapes, written from docs/hubspot-contracts.md (not from the
 * sandbox's code), so the contract suite can catch the sandbox drifting from HubSpot.
 */

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s), 'ISO-8601 date-time');
const propertyValues = z.record(z.string(), z.string().nullable());

// docs/hubspot-contracts.md, Objects (list): results[] of { id: string, properties: {name: string|null}, createdAt, updatedAt, archived, archivedAt? }
export const simpleObject = z.object({
  id: z.string().regex(/^\d+$/),
  properties: propertyValues,
  createdAt: isoDate,
  updatedAt: isoDate,
  archived: z.boolean(),
  archivedAt: isoDate.optional(),
  associations: z.record(z.string(), z.object({ results: z.array(z.object({ id: z.string(), type: z.string() })) })).optional(),
});

export const pagingNext = z.object({ next: z.object({ after: z.string(), link: z.string().optional() }) });

export const listPage = z.object({ results: z.array(simpleObject), paging: pagingNext.optional() });

// docs/hubspot-contracts.md, Search: { total, results[], paging?.next.after } with after an integer offset serialised as a string
export const searchPage = z.object({
  total: z.number().int().nonnegative(),
  results: z.array(simpleObject),
  paging: z.object({ next: z.object({ after: z.string().regex(/^\d+$/) }) }).optional(),
});

// Error bodies: { status: 'error', message, correlationId, category } (fields beyond these allowed).
export const hubspotError = z
  .object({
    status: z.literal('error'),
    message: z.string().min(1),
    correlationId: z.string().min(1),
    category: z.string().min(1),
  })
  .passthrough();

// docs/hubspot-contracts.md, Objects (batch): { status, results[], startedAt, completedAt, numErrors?, errors?[{status, category, message, context}] }
const batchError = z
  .object({
    status: z.string(),
    category: z.string(),
    message: z.string(),
    context: z.record(z.string(), z.array(z.string())).optional(),
  })
  .passthrough();

export const batchResponse = z.object({
  status: z.enum(['PENDING', 'PROCESSING', 'CANCELED', 'COMPLETE']),
  results: z.array(simpleObject),
  startedAt: isoDate,
  completedAt: isoDate,
  requestedAt: isoDate.optional(),
  numErrors: z.number().int().optional(),
  errors: z.array(batchError).optional(),
});

// docs/hubspot-contracts.md, Objects (associations v4 batch read)
export const associationBatch = z
  .object({
    status: z.string(),
    results: z.array(
      z.object({
        from: z.object({ id: z.string() }),
        to: z.array(
          z.object({
            toObjectId: z.number().int(),
            associationTypes: z
              .array(
                z.object({
                  category: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
                  typeId: z.number().int(),
                  label: z.string().nullable(),
                }),
              )
              .min(1),
          }),
        ),
        paging: pagingNext.optional(),
      }),
    ),
    numErrors: z.number().int().optional(),
    errors: z.array(batchError).optional(),
  })
  .passthrough();

// docs/hubspot-contracts.md, Properties (read)
export const propertyOption = z.object({
  label: z.string(),
  value: z.string(),
  displayOrder: z.number().optional(),
  hidden: z.boolean(),
  description: z.string().optional(),
  readOnly: z.boolean().optional(),
});
export const property = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    label: z.string(),
    type: z.string(),
    fieldType: z.string(),
    groupName: z.string(),
    description: z.string().optional(),
    options: z.array(propertyOption),
    hubspotDefined: z.boolean().optional(),
    calculated: z.boolean().optional(),
    archived: z.boolean().optional(),
    modificationMetadata: z
      .object({ archivable: z.boolean(), readOnlyDefinition: z.boolean(), readOnlyValue: z.boolean() })
      .passthrough()
      .optional(),
  })
  .passthrough();

// docs/hubspot-contracts.md, OAuth tokens (v3 token response)
export const v3TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string(),
  token_use: z.literal('access_token').optional(),
  hub_id: z.number().int().optional(),
  user_id: z.number().int().optional(),
  scopes: z.array(z.string()).optional(),
});

// docs/hubspot-contracts.md, OAuth tokens (errors): RFC 6749 plus the legacy fields
export const oauthError = z
  .object({
    error: z.string().min(1),
    error_description: z.string().optional(),
    status: z.string().min(1),
    message: z.string().min(1),
  })
  .passthrough();

export const introspectActive = z
  .object({
    active: z.literal(true),
    token: z.string(),
    hub_id: z.number().int(),
    user_id: z.number().int(),
    client_id: z.string(),
    app_id: z.number().int(),
    user: z.string(),
    hub_domain: z.string(),
    scopes: z.array(z.string()),
    token_use: z.string(),
    token_type: z.string(),
    expires_in: z.number().int().optional(),
    is_private_distribution: z.boolean().optional(),
  })
  .passthrough();

// docs/hubspot-contracts.md, Rate limits (burst 429)
export const burst429 = z
  .object({
    status: z.literal('error'),
    message: z.literal('You have reached your ten_secondly_rolling limit.'),
    errorType: z.literal('RATE_LIMIT'),
    correlationId: z.string(),
    policyName: z.literal('TEN_SECONDLY_ROLLING'),
  })
  .passthrough();

// docs/hubspot-contracts.md, Delivery (webhook events): the fields every event carries, then exactly
// the documented fields of each kind (strict: a convenience field HubSpot does not send fails the contract).
const webhookCommon = {
  eventId: z.number().int(),
  subscriptionId: z.number().int(),
  portalId: z.number().int(),
  appId: z.number().int(),
  occurredAt: z.number().int(),
  attemptNumber: z.number().int().nonnegative(),
  changeSource: z.string().optional(),
  sourceId: z.string().optional(),
  changeFlag: z.string().optional(),
};
const legacyType = (kinds: string) => z.string().regex(new RegExp(`^(contact|ticket)\\.(${kinds})$`));
const genericType = (kinds: string) => z.string().regex(new RegExp(`^object\\.(${kinds})$`));
const objectTypeId = z.enum(['0-1', '0-5']);
const propertyChangeFields = { objectId: z.number().int(), propertyName: z.string().min(1), propertyValue: z.string() };
const mergeFields = {
  objectId: z.number().int().optional(),
  primaryObjectId: z.number().int().optional(),
  mergedObjectIds: z.array(z.number().int()).optional(),
  newObjectId: z.number().int().optional(),
  numberOfPropertiesMoved: z.number().int().optional(),
};
// No objectId: the ends are fromObjectId/toObjectId, named by the type (`CONTACT_TO_TICKET`).
const associationFields = {
  associationType: z.string().regex(/^[A-Z_]+_TO_[A-Z_]+$/),
  fromObjectId: z.number().int(),
  toObjectId: z.number().int(),
  associationRemoved: z.boolean(),
  isPrimaryAssociation: z.boolean(),
};

export const legacyWebhookEvent = z.union([
  z.strictObject({
    ...webhookCommon,
    subscriptionType: legacyType('creation|deletion|restore|privacyDeletion'),
    objectId: z.number().int(),
  }),
  z.strictObject({ ...webhookCommon, subscriptionType: legacyType('propertyChange'), ...propertyChangeFields }),
  z.strictObject({ ...webhookCommon, subscriptionType: legacyType('merge'), ...mergeFields }),
  z.strictObject({ ...webhookCommon, subscriptionType: legacyType('associationChange'), ...associationFields }),
]);

export const genericWebhookEvent = z.union([
  z.strictObject({
    ...webhookCommon,
    subscriptionType: genericType('creation|deletion|restore'),
    objectTypeId,
    objectId: z.number().int(),
  }),
  z.strictObject({ ...webhookCommon, subscriptionType: genericType('propertyChange'), objectTypeId, ...propertyChangeFields }),
  z.strictObject({ ...webhookCommon, subscriptionType: genericType('merge'), objectTypeId, ...mergeFields }),
  z.strictObject({ ...webhookCommon, subscriptionType: genericType('associationChange'), ...associationFields }),
  // Generic subscriptions cannot express privacy deletions; HubSpot keeps the legacy event for them.
  z.strictObject({ ...webhookCommon, subscriptionType: z.literal('contact.privacyDeletion'), objectId: z.number().int() }),
]);

/** Either dialect. */
export const webhookEvent = z.union([legacyWebhookEvent, genericWebhookEvent]);

// docs/hubspot-contracts.md, Workflow actions (execution request)
export const workflowActionRequest = z.object({
  callbackId: z.string().min(1),
  origin: z
    .object({
      portalId: z.number().int(),
      actionDefinitionId: z.number().int(),
      actionDefinitionVersion: z.number().int(),
    })
    .passthrough(),
  context: z.object({ source: z.string(), workflowId: z.number().int() }).passthrough(),
  object: z.object({
    objectId: z.number().int(),
    objectType: z.literal('CONTACT'),
    properties: z.record(z.string(), z.string().nullable()),
  }),
  inputFields: z.record(z.string(), z.string()),
});

// docs/hubspot-contracts.md, Workflow actions (an input field's optionsUrl request)
export const workflowOptionsRequest = z.strictObject({
  origin: z.strictObject({ portalId: z.number().int(), actionDefinitionId: z.number().int(), actionDefinitionVersion: z.number().int() }),
  inputFieldName: z.string().min(1),
  inputFields: z.record(z.string(), z.unknown()),
  fetchOptions: z.strictObject({ q: z.string().optional(), after: z.string().optional() }),
});

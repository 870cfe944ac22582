import { z } from 'zod';

/**
 * Our own checks of the component configs we write. project-parsing-lib cannot schema-validate
 * offline (HubSpot serves the schemas), so these cover the fields this app relies on, in the
 * documented 2025.2 format.
 */

const uid = z.string().regex(/^[a-zA-Z0-9_\-.]{1,64}$/, 'uid must be 1-64 characters of [a-zA-Z0-9_-.]');

const absoluteUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

// Every *-hsmeta.json may hold only these top-level keys.
const component = <T extends string, C extends z.ZodType>(type: T, config: C) =>
  z.strictObject({ uid, type: z.literal(type), config, dependencies: z.record(z.string(), z.unknown()).optional() });

export const hsProjectSchema = z.object({
  name: z.string().min(1),
  srcDir: z.string().min(1),
  platformVersion: z.string().regex(/^\d{4}\.\d{1,2}$/, 'a released platform version such as 2025.2'),
});

export const appHsMetaSchema = component(
  'app',
  z.object({
    name: z.string().min(1).max(200),
    description: z.string().min(1).max(8192),
    distribution: z.enum(['marketplace', 'private']),
    auth: z.object({
      type: z.enum(['oauth', 'static']),
      redirectUrls: z.array(absoluteUrl).min(1),
      requiredScopes: z.array(z.string().min(1)).min(1),
      optionalScopes: z.array(z.string().min(1)),
      conditionallyRequiredScopes: z.array(z.string().min(1)),
    }),
    permittedUrls: z.object({ fetch: z.array(absoluteUrl), iframe: z.array(absoluteUrl), img: z.array(absoluteUrl) }),
    support: z.object({
      supportEmail: z.email(),
      documentationUrl: absoluteUrl,
      supportUrl: absoluteUrl,
      supportPhone: z.string().min(1),
    }),
  }),
);

export const cardHsMetaSchema = component(
  'card',
  z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    location: z.enum(['crm.record.tab', 'crm.record.sidebar', 'crm.preview', 'helpdesk.sidebar']),
    entrypoint: z.string().regex(/^\/app\/cards\/[^/]+\.(tsx|jsx)$/, 'must be /app/cards/<file>.tsx'),
    // Cards name object types in lower-case plural; CONTACT is the workflow-action spelling.
    objectTypes: z.array(z.enum(['contacts', 'companies', 'deals', 'tickets'])).min(1),
  }),
);

export const webhooksHsMetaSchema = component(
  'webhooks',
  z.object({
    settings: z.object({ targetUrl: absoluteUrl, maxConcurrentRequests: z.number().int().min(5) }),
    subscriptions: z
      .object({
        crmObjects: z
          .array(z.object({ subscriptionType: z.string().min(1), objectType: z.string().min(1), active: z.boolean() }).loose())
          .optional(),
        legacyCrmObjects: z.array(z.object({ subscriptionType: z.string().min(1), active: z.boolean() }).loose()).optional(),
        hubEvents: z.array(z.object({ subscriptionType: z.string().min(1), active: z.boolean() }).loose()).optional(),
      })
      .refine(
        (s) => (s.crmObjects?.length ?? 0) + (s.legacyCrmObjects?.length ?? 0) + (s.hubEvents?.length ?? 0) > 0,
        'at least one subscription',
      ),
  }),
);

const option = z.object({ value: z.string().min(1), label: z.string().min(1), displayOrder: z.number().int().optional() });

const typeDefinition = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    type: z.enum([
      'string',
      'number',
      'bool',
      'datetime',
      'enumeration',
      'date',
      'phone_number',
      'currency_number',
      'json',
      'object_coordinates',
    ]),
    fieldType: z.string().min(1),
    options: z.array(option).optional(),
    // Options fetched at run time from the app, per account (input fields only).
    optionsUrl: absoluteUrl.optional(),
  })
  .refine(
    (t) => t.type !== 'enumeration' || (t.options?.length ?? 0) > 0 || t.optionsUrl !== undefined,
    'an enumeration needs options or an optionsUrl',
  )
  .refine((t) => new Set(t.options?.map((o) => o.value)).size === (t.options?.length ?? 0), 'option values must be unique');

export const workflowActionHsMetaSchema = component(
  'workflow-action',
  z.object({
    actionUrl: absoluteUrl,
    isPublished: z.boolean(),
    supportedClients: z.array(z.object({ client: z.literal('WORKFLOWS') })).min(1),
    objectTypes: z.array(z.enum(['CONTACT', 'COMPANY', 'DEAL', 'TICKET'])).min(1),
    inputFields: z.array(z.object({ typeDefinition, supportedValueTypes: z.array(z.string()), isRequired: z.boolean() })),
    outputFields: z
      .array(z.object({ typeDefinition: typeDefinition.refine((t) => t.optionsUrl === undefined, 'output fields cannot fetch options') }))
      .min(1),
    labels: z.record(z.string(), z.object({ actionName: z.string().min(1) }).loose()).refine((l) => 'en' in l, 'needs English labels'),
  }),
);

/** The schema for each IR component type project-parsing-lib reports. */
export const hsMetaSchemaByComponentType: Readonly<Record<string, z.ZodType>> = {
  APPLICATION: appHsMetaSchema,
  CARD: cardHsMetaSchema,
  WEBHOOKS: webhooksHsMetaSchema,
  WORKFLOW_ACTION: workflowActionHsMetaSchema,
};

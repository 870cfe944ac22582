import type { ObjectKind } from './portal-objects';

/** HubSpot-defined properties the sandbox knows, in the shape GET /crm/v3/properties returns. */

export interface PropertyOption {
  label: string;
  value: string;
  description?: string;
  displayOrder: number;
  hidden: boolean;
  readOnly?: boolean;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined: boolean;
  formField: boolean;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdUserId?: string;
  updatedUserId?: string;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

const BUILTIN_CREATED_AT = '2019-08-06T02:41:52.000Z';

function enumOptions(values: readonly string[]): PropertyOption[] {
  return values.map((value, i) => ({
    label: value
      .replace(/_/g, ' ')
      .toLowerCase()
      .replace(/\b\w/g, (c) => c.toUpperCase()),
    value,
    displayOrder: i,
    hidden: false,
    readOnly: true,
  }));
}

type Spec = [name: string, label: string, type: string, fieldType: string, group: string, options?: readonly string[], readOnly?: boolean];

const CONTACT_SPECS: Spec[] = [
  ['hs_object_id', 'Record ID', 'number', 'number', 'contactinformation', undefined, true],
  ['firstname', 'First Name', 'string', 'text', 'contactinformation'],
  ['lastname', 'Last Name', 'string', 'text', 'contactinformation'],
  ['email', 'Email', 'string', 'text', 'contactinformation'],
  ['jobtitle', 'Job Title', 'string', 'text', 'contactinformation'],
  ['company', 'Company Name', 'string', 'text', 'contactinformation'],
  ['associatedcompanyid', 'Primary Associated Company ID', 'number', 'number', 'contactinformation'],
  ['industry', 'Industry', 'string', 'text', 'contactinformation'],
  [
    'numemployees',
    'Number of Employees',
    'enumeration',
    'select',
    'contactinformation',
    ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'],
  ],
  ['annualrevenue', 'Annual Revenue', 'string', 'text', 'contactinformation'],
  ['company_size', 'Company size', 'string', 'text', 'contactinformation'],
  [
    'lifecyclestage',
    'Lifecycle Stage',
    'enumeration',
    'radio',
    'contactinformation',
    ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'],
  ],
  [
    'hs_analytics_source',
    'Original Traffic Source',
    'enumeration',
    'select',
    'analyticsinformation',
    [
      'ORGANIC_SEARCH',
      'PAID_SEARCH',
      'EMAIL_MARKETING',
      'SOCIAL_MEDIA',
      'REFERRALS',
      'OTHER_CAMPAIGNS',
      'DIRECT_TRAFFIC',
      'OFFLINE',
      'PAID_SOCIAL',
    ],
    true,
  ],
  ['hs_analytics_num_page_views', 'Number of Pageviews', 'number', 'number', 'analyticsinformation', undefined, true],
  ['hs_analytics_num_visits', 'Number of Sessions', 'number', 'number', 'analyticsinformation', undefined, true],
  ['hs_email_delivered', 'Marketing emails delivered', 'number', 'number', 'emailinformation', undefined, true],
  ['hs_email_open', 'Marketing emails opened', 'number', 'number', 'emailinformation', undefined, true],
  ['hs_email_click', 'Marketing emails clicked', 'number', 'number', 'emailinformation', undefined, true],
  ['hs_email_last_open_date', 'Last marketing email open date', 'datetime', 'date', 'emailinformation', undefined, true],
  ['num_conversion_events', 'Number of Form Submissions', 'number', 'number', 'conversioninformation', undefined, true],
  ['hs_persona', 'Persona', 'enumeration', 'select', 'contactinformation', []],
  ['hubspot_owner_id', 'Contact owner', 'enumeration', 'select', 'contactinformation', []],
  ['createdate', 'Create Date', 'datetime', 'date', 'contactinformation', undefined, true],
  ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'contactinformation', undefined, true],
  ['hs_lastmodifieddate', 'Object last modified date/time', 'datetime', 'date', 'contactinformation', undefined, true],
];

const TICKET_SPECS: Spec[] = [
  ['hs_object_id', 'Record ID', 'number', 'number', 'ticketinformation', undefined, true],
  ['subject', 'Ticket name', 'string', 'text', 'ticketinformation'],
  ['content', 'Ticket description', 'string', 'textarea', 'ticketinformation'],
  [
    'hs_ticket_category',
    'Category',
    'enumeration',
    'checkbox',
    'ticketinformation',
    ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY', 'ONBOARDING'],
  ],
  ['hs_ticket_priority', 'Priority', 'enumeration', 'select', 'ticketinformation', ['LOW', 'MEDIUM', 'HIGH', 'URGENT']],
  ['hs_pipeline', 'Pipeline', 'enumeration', 'select', 'ticketinformation', ['0']],
  ['hs_pipeline_stage', 'Ticket status', 'enumeration', 'select', 'ticketinformation', ['1', '2', '3', '4']],
  ['createdate', 'Create date', 'datetime', 'date', 'ticketinformation', undefined, true],
  ['hs_lastmodifieddate', 'Last modified date', 'datetime', 'date', 'ticketinformation', undefined, true],
];

const COMPANY_INDUSTRIES = [
  'COMPUTER_SOFTWARE',
  'FINANCIAL_SERVICES',
  'EDUCATION',
  'HOSPITAL_HEALTH_CARE',
  'RETAIL',
  'MARKETING_AND_ADVERTISING',
  'INFORMATION_TECHNOLOGY_AND_SERVICES',
  'MANUFACTURING',
  'INSURANCE',
  'LOGISTICS_AND_SUPPLY_CHAIN',
];

const COMPANY_SPECS: Spec[] = [
  ['hs_object_id', 'Record ID', 'number', 'number', 'companyinformation', undefined, true],
  ['name', 'Company name', 'string', 'text', 'companyinformation'],
  ['domain', 'Company Domain Name', 'string', 'text', 'companyinformation'],
  // On companies `industry` is an enumeration (on contacts it is free text).
  ['industry', 'Industry', 'enumeration', 'select', 'companyinformation', COMPANY_INDUSTRIES],
  ['numberofemployees', 'Number of Employees', 'number', 'number', 'companyinformation'],
  ['annualrevenue', 'Annual Revenue', 'number', 'number', 'companyinformation'],
  [
    'lifecyclestage',
    'Lifecycle Stage',
    'enumeration',
    'radio',
    'companyinformation',
    ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'],
  ],
  ['country', 'Country/Region', 'string', 'text', 'companyinformation'],
  ['city', 'City', 'string', 'text', 'companyinformation'],
  ['hubspot_owner_id', 'Company owner', 'enumeration', 'select', 'companyinformation', []],
  ['createdate', 'Create Date', 'datetime', 'date', 'companyinformation', undefined, true],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'companyinformation', undefined, true],
];

// Feedback submissions are read-only through the API: every property's value is read-only.
const FEEDBACK_SUBMISSION_SPECS: Spec[] = [
  ['hs_object_id', 'Record ID', 'number', 'number', 'feedback_submission_information', undefined, true],
  ['hs_survey_id', 'Survey ID', 'string', 'text', 'feedback_submission_information', undefined, true],
  ['hs_survey_name', 'Survey name', 'string', 'text', 'feedback_submission_information', undefined, true],
  ['hs_survey_type', 'Survey type', 'enumeration', 'select', 'feedback_submission_information', ['NPS', 'CSAT', 'CES', 'CUSTOM'], true],
  [
    'hs_survey_channel',
    'Survey channel',
    'enumeration',
    'select',
    'feedback_submission_information',
    ['EMAIL', 'WEB', 'CHAT', 'LINK'],
    true,
  ],
  ['hs_value', 'Response value', 'number', 'number', 'feedback_submission_information', undefined, true],
  [
    'hs_response_group',
    'Response group',
    'enumeration',
    'select',
    'feedback_submission_information',
    ['PROMOTER', 'PASSIVE', 'DETRACTOR'],
    true,
  ],
  ['hs_sentiment', 'Sentiment', 'enumeration', 'select', 'feedback_submission_information', ['POSITIVE', 'NEUTRAL', 'NEGATIVE'], true],
  ['hs_content', 'Response', 'string', 'textarea', 'feedback_submission_information', undefined, true],
  ['hs_submission_name', 'Submission name', 'string', 'text', 'feedback_submission_information', undefined, true],
  ['hs_createdate', 'Create date', 'datetime', 'date', 'feedback_submission_information', undefined, true],
  ['hs_lastmodifieddate', 'Last modified date', 'datetime', 'date', 'feedback_submission_information', undefined, true],
];

function fromSpec([name, label, type, fieldType, groupName, options, readOnly]: Spec, order: number): PropertyDefinition {
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    description: '',
    options: options ? enumOptions(options) : [],
    displayOrder: order,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: false,
    hidden: false,
    hubspotDefined: true,
    formField: !readOnly,
    archived: false,
    createdAt: BUILTIN_CREATED_AT,
    updatedAt: BUILTIN_CREATED_AT,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: readOnly === true },
  };
}

export function builtinContactProperties(): PropertyDefinition[] {
  return CONTACT_SPECS.map(fromSpec);
}

export function builtinTicketProperties(): PropertyDefinition[] {
  return TICKET_SPECS.map(fromSpec);
}

export function builtinCompanyProperties(): PropertyDefinition[] {
  return COMPANY_SPECS.map(fromSpec);
}

export function builtinFeedbackSubmissionProperties(): PropertyDefinition[] {
  return FEEDBACK_SUBMISSION_SPECS.map(fromSpec);
}

export function builtinCompanyGroups(): PropertyGroup[] {
  return [{ name: 'companyinformation', label: 'Company information', displayOrder: 0, archived: false }];
}

export function builtinContactGroups(): PropertyGroup[] {
  return [
    { name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false },
    { name: 'analyticsinformation', label: 'Web analytics history', displayOrder: 1, archived: false },
    { name: 'emailinformation', label: 'Email information', displayOrder: 2, archived: false },
    { name: 'conversioninformation', label: 'Conversion information', displayOrder: 3, archived: false },
  ];
}

/** Properties HubSpot returns when a request names none (docs/hubspot-contracts.md, Search). */
export const DEFAULT_CONTACT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
export const DEFAULT_TICKET_PROPERTIES = [
  'content',
  'hs_pipeline',
  'hs_pipeline_stage',
  'hs_ticket_category',
  'hs_ticket_priority',
  'subject',
  'createdate',
  'hs_lastmodifieddate',
  'hs_object_id',
];
export const DEFAULT_COMPANY_PROPERTIES = ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'];
export const DEFAULT_FEEDBACK_SUBMISSION_PROPERTIES = ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];
/** Returned with every object whatever was asked for. */
export const ALWAYS_CONTACT_PROPERTIES = ['createdate', 'hs_object_id', 'lastmodifieddate'];
export const ALWAYS_TICKET_PROPERTIES = ['createdate', 'hs_object_id', 'hs_lastmodifieddate'];
export const ALWAYS_COMPANY_PROPERTIES = ['createdate', 'hs_object_id', 'hs_lastmodifieddate'];
export const ALWAYS_FEEDBACK_SUBMISSION_PROPERTIES = ['hs_createdate', 'hs_object_id', 'hs_lastmodifieddate'];

/** A new portal's property definitions and groups, per object kind (HubSpot's built-in ones). */
export function builtinDefinitions(): {
  properties: Record<ObjectKind, Map<string, PropertyDefinition>>;
  groupsOf: Record<ObjectKind, Map<string, PropertyGroup>>;
} {
  return {
    properties: {
      contacts: new Map(builtinContactProperties().map((p) => [p.name, p])),
      tickets: new Map(builtinTicketProperties().map((p) => [p.name, p])),
      companies: new Map(builtinCompanyProperties().map((p) => [p.name, p])),
      feedback_submissions: new Map(builtinFeedbackSubmissionProperties().map((p) => [p.name, p])),
    },
    groupsOf: {
      contacts: new Map(builtinContactGroups().map((g) => [g.name, g])),
      tickets: new Map(),
      companies: new Map(builtinCompanyGroups().map((g) => [g.name, g])),
      feedback_submissions: new Map(),
    },
  };
}

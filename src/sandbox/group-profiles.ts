import type { PlantedGroup } from './planted-groups';
import type { Rng } from './seeded-rng';

/** What each planted group of the generated portal looks like: titles, firmographics, behaviour, tickets. */

export type TicketCategory = 'PRODUCT_ISSUE' | 'BILLING_ISSUE' | 'FEATURE_REQUEST' | 'GENERAL_INQUIRY' | 'ONBOARDING';

export interface GroupProfile {
  weight: number;
  titles: readonly string[];
  industries: readonly string[];
  employees: readonly string[];
  lifecycle: readonly string[];
  sources: readonly string[];
  pageViews: [number, number];
  visitsPerView: number;
  delivered: [number, number];
  opens: [number, number];
  clicks: [number, number];
  conversions: [number, number];
  tickets: [number, number];
  categories: readonly (readonly [TicketCategory, number])[];
  priorities: readonly (readonly [string, number])[];
  /** Share of tickets created within the last `days` (default 75% within 90 days); the rest are 90–400 days old. */
  recentTickets?: { share: number; days: number };
  ageDays: [number, number];
}

export const ALL_INDUSTRIES = [
  'COMPUTER_SOFTWARE',
  'FINANCIAL_SERVICES',
  'EDUCATION',
  'HOSPITAL_HEALTH_CARE',
  'RETAIL',
  'MARKETING_AND_ADVERTISING',
  'INFORMATION_TECHNOLOGY_AND_SERVICES',
  'MANUFACTURING',
  'INSURANCE',
] as const;
export const ALL_EMPLOYEES = ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'] as const;
export const ALL_SOURCES = [
  'ORGANIC_SEARCH',
  'PAID_SEARCH',
  'EMAIL_MARKETING',
  'SOCIAL_MEDIA',
  'REFERRALS',
  'DIRECT_TRAFFIC',
  'PAID_SOCIAL',
  'OFFLINE',
] as const;
export const ALL_LIFECYCLE = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;
export const ALL_CATEGORIES: readonly TicketCategory[] = [
  'PRODUCT_ISSUE',
  'BILLING_ISSUE',
  'FEATURE_REQUEST',
  'GENERAL_INQUIRY',
  'ONBOARDING',
];

// Means are far apart on the behaviour counters (in log space too), so groups separate without titles.
export const PROFILES: Record<Exclude<PlantedGroup, 'noise'>, GroupProfile> = {
  economic_buyer: {
    weight: 14,
    titles: [
      'VP of Finance',
      'VP of Operations',
      'Chief Financial Officer',
      'CFO',
      'Director of Finance',
      'Director of Operations',
      'Chief Operating Officer',
      'COO',
      'Head of Procurement',
      'VP Operations',
    ],
    industries: ['FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'MANUFACTURING', 'INSURANCE'],
    employees: ['500-1000', '1000+'],
    lifecycle: ['salesqualifiedlead', 'opportunity', 'customer'],
    sources: ['OFFLINE', 'REFERRALS', 'DIRECT_TRAFFIC'],
    pageViews: [5, 2],
    visitsPerView: 0.6,
    delivered: [30, 6],
    opens: [6, 2],
    clicks: [1, 0.7],
    conversions: [1, 0.6],
    tickets: [0.05, 0.3],
    categories: [
      ['BILLING_ISSUE', 3],
      ['GENERAL_INQUIRY', 2],
    ],
    priorities: [
      ['MEDIUM', 2],
      ['HIGH', 1],
    ],
    ageDays: [200, 900],
  },
  hands_on_analyst: {
    weight: 17,
    titles: [
      'Data Analyst',
      'Business Analyst',
      'Senior Analyst',
      'Operations Analyst',
      'Reporting Specialist',
      'BI Specialist',
      'Analytics Manager',
      'Financial Analyst',
    ],
    industries: ['FINANCIAL_SERVICES', 'COMPUTER_SOFTWARE', 'HOSPITAL_HEALTH_CARE', 'RETAIL'],
    employees: ['50-100', '100-500'],
    lifecycle: ['customer', 'opportunity', 'salesqualifiedlead'],
    sources: ['ORGANIC_SEARCH', 'PAID_SEARCH'],
    pageViews: [70, 12],
    visitsPerView: 0.35,
    delivered: [45, 8],
    opens: [25, 5],
    clicks: [11, 3],
    conversions: [4, 1.2],
    tickets: [1.6, 0.6],
    categories: [
      ['ONBOARDING', 4],
      ['PRODUCT_ISSUE', 3],
    ],
    priorities: [
      ['LOW', 2],
      ['MEDIUM', 3],
    ],
    ageDays: [60, 500],
  },
  marketing_ops: {
    weight: 15,
    titles: [
      'Marketing Operations Manager',
      'Marketing Manager',
      'Demand Generation Manager',
      'Marketing Ops Specialist',
      'Email Marketing Manager',
      'Growth Marketer',
      'Campaign Manager',
    ],
    industries: ['MARKETING_AND_ADVERTISING', 'RETAIL'],
    employees: ['25-50', '50-100', '100-500'],
    lifecycle: ['marketingqualifiedlead', 'salesqualifiedlead', 'customer'],
    sources: ['EMAIL_MARKETING', 'PAID_SOCIAL', 'SOCIAL_MEDIA'],
    pageViews: [30, 6],
    visitsPerView: 0.45,
    delivered: [80, 10],
    opens: [50, 8],
    clicks: [22, 4],
    conversions: [12, 2.5],
    tickets: [0.05, 0.3],
    categories: [
      ['FEATURE_REQUEST', 4],
      ['GENERAL_INQUIRY', 1],
    ],
    priorities: [
      ['LOW', 3],
      ['MEDIUM', 2],
    ],
    ageDays: [90, 700],
  },
  support_lead: {
    weight: 14,
    titles: [
      'Customer Support Lead',
      'Support Team Lead',
      'Customer Success Manager',
      'Support Manager',
      'Customer Experience Lead',
      'Service Desk Lead',
      'Help Desk Supervisor',
    ],
    industries: ['RETAIL', 'COMPUTER_SOFTWARE', 'INSURANCE', 'HOSPITAL_HEALTH_CARE'],
    employees: ['100-500', '500-1000'],
    lifecycle: ['customer', 'evangelist'],
    sources: ['DIRECT_TRAFFIC', 'REFERRALS'],
    pageViews: [18, 4],
    visitsPerView: 0.5,
    delivered: [25, 6],
    opens: [9, 2],
    clicks: [2, 1],
    conversions: [1.5, 0.8],
    tickets: [2.3, 0.9],
    categories: [
      ['PRODUCT_ISSUE', 4],
      ['BILLING_ISSUE', 2],
    ],
    priorities: [
      ['HIGH', 3],
      ['URGENT', 2],
      ['MEDIUM', 1],
    ],
    // Few tickets each, but escalations of live incidents: recent and mostly high priority.
    recentTickets: { share: 0.9, days: 60 },
    ageDays: [300, 1200],
  },
  developer: {
    weight: 16,
    titles: [
      'Software Engineer',
      'Senior Software Engineer',
      'Backend Developer',
      'Full Stack Developer',
      'DevOps Engineer',
      'Platform Engineer',
      'Engineering Lead',
      'Solutions Architect',
    ],
    industries: ['COMPUTER_SOFTWARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES'],
    employees: ['25-50', '50-100', '100-500'],
    lifecycle: ['lead', 'salesqualifiedlead', 'customer'],
    sources: ['ORGANIC_SEARCH', 'DIRECT_TRAFFIC', 'REFERRALS'],
    pageViews: [140, 20],
    visitsPerView: 0.3,
    delivered: [12, 4],
    opens: [2, 1],
    clicks: [0.5, 0.6],
    conversions: [2, 0.8],
    tickets: [0.1, 0.35],
    categories: [
      ['PRODUCT_ISSUE', 3],
      ['FEATURE_REQUEST', 2],
    ],
    priorities: [
      ['MEDIUM', 2],
      ['HIGH', 2],
      ['LOW', 1],
    ],
    ageDays: [30, 600],
  },
  unqualified: {
    weight: 14,
    titles: ['Student', 'Job Seeker', 'Intern', 'Apprentice', 'Looking for work', 'Graduate Student', ''],
    industries: ['EDUCATION'],
    employees: ['1-5'],
    lifecycle: ['subscriber', 'lead', 'other'],
    sources: ['SOCIAL_MEDIA', 'PAID_SOCIAL', 'ORGANIC_SEARCH'],
    pageViews: [2, 1],
    visitsPerView: 0.8,
    delivered: [3, 1.5],
    opens: [0.3, 0.5],
    clicks: [0, 0.3],
    conversions: [0.3, 0.5],
    tickets: [0.02, 0.15],
    categories: [['GENERAL_INQUIRY', 1]],
    priorities: [['LOW', 1]],
    ageDays: [1, 300],
  },
};

/**
 * Which persona of the default rule set (config/personas.json) each planted group is built to
 * match; the titles and counters above are chosen so that its rules fire for most members.
 */
export const PLANTED_GROUP_PERSONA: Readonly<Record<Exclude<PlantedGroup, 'noise'>, string>> = {
  economic_buyer: 'ops_leader',
  hands_on_analyst: 'data_analyst',
  marketing_ops: 'marketing_ops',
  support_lead: 'support_lead',
  developer: 'developer',
  unqualified: 'not_a_fit',
};

export const NOISE_WEIGHT = 10;
export const GROUP_WEIGHTS: readonly (readonly [PlantedGroup, number])[] = [
  ...(Object.keys(PROFILES) as (keyof typeof PROFILES)[]).map((g) => [g, PROFILES[g].weight] as const),
  ['noise', NOISE_WEIGHT],
];

/** Noise contacts draw every field independently from the whole range. */
export function noiseProfile(rng: Rng): GroupProfile {
  const spread = (max: number): [number, number] => [rng.int(0, max), max / 3];
  return {
    weight: NOISE_WEIGHT,
    titles: ['Manager', 'Consultant', 'Coordinator', 'Owner', 'Associate', 'Administrator', 'Account Executive', ''],
    industries: ALL_INDUSTRIES,
    employees: ALL_EMPLOYEES,
    lifecycle: ALL_LIFECYCLE,
    sources: ALL_SOURCES,
    pageViews: spread(150),
    visitsPerView: 0.4,
    delivered: spread(90),
    opens: spread(50),
    clicks: spread(20),
    conversions: spread(12),
    tickets: spread(2),
    categories: ALL_CATEGORIES.map((c) => [c, 1] as const),
    priorities: [
      ['LOW', 1],
      ['MEDIUM', 1],
      ['HIGH', 1],
      ['URGENT', 1],
    ],
    ageDays: [1, 1200],
  };
}

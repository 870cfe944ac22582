/**
 * A seeded, streaming generator of realistic HubSpot portals. Every contact (and its tickets) is a
 * pure function of (seed, index, referenceTime), so a 1,000,000-contact portal is never held in
 * memory: callers ask for `contactAt(i)` when they need it and drop it afterwards.
 *
 * Planted groups: each contact belongs to one persona-like group (or to the ~10% noise), and
 * the groups differ clearly on titles and on numeric behaviour (page views, visits, email
 * opens/clicks, conversions, ticket counts by category), so clustering can recover them.
 *
 * Ticket density is a B2B portal's (about 0.7 per contact, most contacts none): support leads and
 * hands-on analysts file nearly all of them, buyers, marketers, developers and unqualified leads
 * rarely. Within a group, either nearly everyone files tickets or nearly no one does, because a
 * group split between "none" and "a few" reads to clustering as two groups.
 */

import { type AccountLayer, generateAccounts } from './account-generator';
import type { PlantedGroup } from './planted-groups';

export const CONTACT_ID_BASE = 1001;
export const TICKET_ID_BASE = 5_000_000_001;
/** Tickets per contact never exceed this, so a ticket id encodes its contact index. */
export const MAX_TICKETS_PER_CONTACT = 16;
export const DEFAULT_REFERENCE_TIME = Date.UTC(2026, 10, 1, 12, 0, 0);

const DAY_MS = 86_400_000;

export { PLANTED_GROUPS, type PlantedGroup } from './planted-groups';

export type TicketCategory = 'PRODUCT_ISSUE' | 'BILLING_ISSUE' | 'FEATURE_REQUEST' | 'GENERAL_INQUIRY' | 'ONBOARDING';

export interface GeneratedTicket {
  id: string;
  contactIndex: number;
  createdAt: number;
  properties: Record<string, string | null>;
}

export interface GeneratedContact {
  id: string;
  index: number;
  group: PlantedGroup;
  createdAt: number;
  updatedAt: number;
  properties: Record<string, string | null>;
}

export interface GeneratedPortal {
  readonly seed: number;
  readonly contacts: number;
  readonly referenceTime: number;
  contactAt(index: number): GeneratedContact;
  ticketsOfContact(index: number): GeneratedTicket[];
  ticketCountOf(index: number): number;
  plantedGroupOf(index: number): PlantedGroup;
  /** Contact index for a generated contact id, or undefined when the id is not a base contact. */
  indexOfContactId(id: string): number | undefined;
  /** Generated ticket for an id, or undefined when the id is not a base ticket. */
  ticketById(id: string): GeneratedTicket | undefined;
  contactIdAt(index: number): string;
  iterateContacts(from?: number, to?: number): Generator<GeneratedContact>;
  /** Companies and survey responses, consistent with the contacts' planted groups. */
  readonly accounts: AccountLayer;
}

export interface GeneratePortalOptions {
  seed: number;
  contacts: number;
  /** Dates are relative to this instant (epoch ms) so portals are reproducible. */
  referenceTime?: number;
}

/** Integer hash (a variant of lowbias32) used to derive independent streams per index. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** mulberry32: small, fast, good enough for synthetic data. */
class Rng {
  private state: number;
  constructor(seed: number) { this.state = seed >>> 0; }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]; }
  chance(p: number): boolean { return this.next() < p; }
  /** Normal draw (Box-Muller), clamped at zero and rounded: counters are non-negative integers. */
  count(mean: number, sd: number): number {
    const u = Math.max(this.next(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
    return Math.max(0, Math.round(mean + sd * z));
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
}

interface GroupProfile {
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

const ALL_INDUSTRIES = [
  'COMPUTER_SOFTWARE', 'FINANCIAL_SERVICES', 'EDUCATION', 'HOSPITAL_HEALTH_CARE', 'RETAIL',
  'MARKETING_AND_ADVERTISING', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'MANUFACTURING', 'INSURANCE',
] as const;
const ALL_EMPLOYEES = ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'] as const;
const ALL_SOURCES = [
  'ORGANIC_SEARCH', 'PAID_SEARCH', 'EMAIL_MARKETING', 'SOCIAL_MEDIA', 'REFERRALS', 'DIRECT_TRAFFIC',
  'PAID_SOCIAL', 'OFFLINE',
] as const;
const ALL_LIFECYCLE = [
  'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
] as const;
const ALL_CATEGORIES: readonly TicketCategory[] = ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY', 'ONBOARDING'];

// Means are far apart on the behaviour counters (in log space too), so groups separate without titles.
const PROFILES: Record<Exclude<PlantedGroup, 'noise'>, GroupProfile> = {
  economic_buyer: {
    weight: 14,
    titles: ['VP of Finance', 'VP of Operations', 'Chief Financial Officer', 'CFO', 'Director of Finance',
      'Director of Operations', 'Chief Operating Officer', 'COO', 'Head of Procurement', 'VP Operations'],
    industries: ['FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'MANUFACTURING', 'INSURANCE'],
    employees: ['500-1000', '1000+'],
    lifecycle: ['salesqualifiedlead', 'opportunity', 'customer'],
    sources: ['OFFLINE', 'REFERRALS', 'DIRECT_TRAFFIC'],
    pageViews: [5, 2], visitsPerView: 0.6, delivered: [30, 6], opens: [6, 2], clicks: [1, 0.7],
    conversions: [1, 0.6], tickets: [0.05, 0.3],
    categories: [['BILLING_ISSUE', 3], ['GENERAL_INQUIRY', 2]],
    priorities: [['MEDIUM', 2], ['HIGH', 1]],
    ageDays: [200, 900],
  },
  hands_on_analyst: {
    weight: 17,
    titles: ['Data Analyst', 'Business Analyst', 'Senior Analyst', 'Operations Analyst', 'Reporting Specialist',
      'BI Specialist', 'Analytics Manager', 'Financial Analyst'],
    industries: ['FINANCIAL_SERVICES', 'COMPUTER_SOFTWARE', 'HOSPITAL_HEALTH_CARE', 'RETAIL'],
    employees: ['50-100', '100-500'],
    lifecycle: ['customer', 'opportunity', 'salesqualifiedlead'],
    sources: ['ORGANIC_SEARCH', 'PAID_SEARCH'],
    pageViews: [70, 12], visitsPerView: 0.35, delivered: [45, 8], opens: [25, 5], clicks: [11, 3],
    conversions: [4, 1.2], tickets: [1.6, 0.6],
    categories: [['ONBOARDING', 4], ['PRODUCT_ISSUE', 3]],
    priorities: [['LOW', 2], ['MEDIUM', 3]],
    ageDays: [60, 500],
  },
  marketing_ops: {
    weight: 15,
    titles: ['Marketing Operations Manager', 'Marketing Manager', 'Demand Generation Manager', 'Marketing Ops Specialist',
      'Email Marketing Manager', 'Growth Marketer', 'Campaign Manager'],
    industries: ['MARKETING_AND_ADVERTISING', 'RETAIL'],
    employees: ['25-50', '50-100', '100-500'],
    lifecycle: ['marketingqualifiedlead', 'salesqualifiedlead', 'customer'],
    sources: ['EMAIL_MARKETING', 'PAID_SOCIAL', 'SOCIAL_MEDIA'],
    pageViews: [30, 6], visitsPerView: 0.45, delivered: [80, 10], opens: [50, 8], clicks: [22, 4],
    conversions: [12, 2.5], tickets: [0.05, 0.3],
    categories: [['FEATURE_REQUEST', 4], ['GENERAL_INQUIRY', 1]],
    priorities: [['LOW', 3], ['MEDIUM', 2]],
    ageDays: [90, 700],
  },
  support_lead: {
    weight: 14,
    titles: ['Customer Support Lead', 'Support Team Lead', 'Customer Success Manager', 'Support Manager',
      'Customer Experience Lead', 'Service Desk Lead', 'Help Desk Supervisor'],
    industries: ['RETAIL', 'COMPUTER_SOFTWARE', 'INSURANCE', 'HOSPITAL_HEALTH_CARE'],
    employees: ['100-500', '500-1000'],
    lifecycle: ['customer', 'evangelist'],
    sources: ['DIRECT_TRAFFIC', 'REFERRALS'],
    pageViews: [18, 4], visitsPerView: 0.5, delivered: [25, 6], opens: [9, 2], clicks: [2, 1],
    conversions: [1.5, 0.8], tickets: [2.3, 0.9],
    categories: [['PRODUCT_ISSUE', 4], ['BILLING_ISSUE', 2]],
    priorities: [['HIGH', 3], ['URGENT', 2], ['MEDIUM', 1]],
    // Few tickets each, but escalations of live incidents: recent and mostly high priority.
    recentTickets: { share: 0.9, days: 60 },
    ageDays: [300, 1200],
  },
  developer: {
    weight: 16,
    titles: ['Software Engineer', 'Senior Software Engineer', 'Backend Developer', 'Full Stack Developer',
      'DevOps Engineer', 'Platform Engineer', 'Engineering Lead', 'Solutions Architect'],
    industries: ['COMPUTER_SOFTWARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES'],
    employees: ['25-50', '50-100', '100-500'],
    lifecycle: ['lead', 'salesqualifiedlead', 'customer'],
    sources: ['ORGANIC_SEARCH', 'DIRECT_TRAFFIC', 'REFERRALS'],
    pageViews: [140, 20], visitsPerView: 0.3, delivered: [12, 4], opens: [2, 1], clicks: [0.5, 0.6],
    conversions: [2, 0.8], tickets: [0.1, 0.35],
    categories: [['PRODUCT_ISSUE', 3], ['FEATURE_REQUEST', 2]],
    priorities: [['MEDIUM', 2], ['HIGH', 2], ['LOW', 1]],
    ageDays: [30, 600],
  },
  unqualified: {
    weight: 14,
    titles: ['Student', 'Job Seeker', 'Intern', 'Apprentice', 'Looking for work', 'Graduate Student', ''],
    industries: ['EDUCATION'],
    employees: ['1-5'],
    lifecycle: ['subscriber', 'lead', 'other'],
    sources: ['SOCIAL_MEDIA', 'PAID_SOCIAL', 'ORGANIC_SEARCH'],
    pageViews: [2, 1], visitsPerView: 0.8, delivered: [3, 1.5], opens: [0.3, 0.5], clicks: [0, 0.3],
    conversions: [0.3, 0.5], tickets: [0.02, 0.15],
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

const NOISE_WEIGHT = 10;
const GROUP_WEIGHTS: readonly (readonly [PlantedGroup, number])[] = [
  ...(Object.keys(PROFILES) as (keyof typeof PROFILES)[]).map((g) => [g, PROFILES[g].weight] as const),
  ['noise', NOISE_WEIGHT],
];

const FIRST_NAMES = ['Ava', 'Liam', 'Maya', 'Noah', 'Zoe', 'Ethan', 'Priya', 'Lucas', 'Chloe', 'Mateo', 'Hana', 'Omar',
  'Ingrid', 'Kenji', 'Sofia', 'Diego', 'Amara', 'Felix', 'Leila', 'Jonas', 'Nora', 'Ravi', 'Elena', 'Tomas', 'Yara',
  'Marcus', 'Aisha', 'Henrik', 'Camille', 'Wei'];
const LAST_NAMES = ['Smith', 'Garcia', 'Chen', 'Okafor', 'Muller', 'Rossi', 'Nakamura', 'Silva', 'Kowalski', 'Haddad',
  'Johansson', 'Patel', 'Dubois', 'Novak', 'Fischer', 'Moreau', 'Tanaka', 'Larsen', 'Costa', 'Brennan', 'Ahmed',
  'Schmidt', 'Kim', 'Lopez', 'Ivanova', 'Murphy', 'Adeyemi', 'Berg', 'Santos', 'Walsh'];
const COMPANY_PARTS_A = ['Blue', 'North', 'Bright', 'Iron', 'Silver', 'Cedar', 'Quantum', 'Harbor', 'Summit', 'Nimbus',
  'Atlas', 'Pine', 'Vertex', 'Copper', 'Lumen'];
const COMPANY_PARTS_B = ['Analytics', 'Labs', 'Systems', 'Health', 'Capital', 'Retail', 'Media', 'Works', 'Logic',
  'Partners', 'Cloud', 'Foods', 'Bank', 'Learning', 'Digital'];
const TICKET_SUBJECTS: Record<TicketCategory, readonly string[]> = {
  PRODUCT_ISSUE: ['Dashboard does not load', 'Export fails with error', 'Sync stopped working', 'API returns 500',
    'Report numbers look wrong'],
  BILLING_ISSUE: ['Invoice shows wrong amount', 'Charged twice this month', 'Need a copy of the invoice',
    'Change billing contact'],
  FEATURE_REQUEST: ['Please add a Slack integration', 'Custom fields in reports', 'Bulk edit for lists',
    'Scheduling for campaigns'],
  GENERAL_INQUIRY: ['Question about pricing', 'Where can I find the docs?', 'Is there a student discount?',
    'Contact sales'],
  ONBOARDING: ['Help setting up the first report', 'How do I import my data?', 'Training session request',
    'Connecting our data warehouse'],
};
const PIPELINE_STAGES = ['1', '2', '3', '4'] as const;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

interface ContactDraw {
  group: PlantedGroup;
  profile: GroupProfile;
  rng: Rng;
}

export function generatePortal(options: GeneratePortalOptions): GeneratedPortal {
  const { seed, contacts } = options;
  const referenceTime = options.referenceTime ?? DEFAULT_REFERENCE_TIME;
  if (!Number.isInteger(contacts) || contacts < 0) throw new RangeError('contacts must be a non-negative integer');
  const seedHash = mix(seed >>> 0 ^ 0x5bd1e995);

  const rngFor = (index: number, stream: number): Rng => new Rng(mix(seedHash ^ mix(index * 4 + stream)));

  const drawGroup = (index: number): ContactDraw => {
    const rng = rngFor(index, 0);
    const group = rng.weighted(GROUP_WEIGHTS);
    const profile = group === 'noise' ? noiseProfile(rng) : PROFILES[group];
    return { group, profile, rng };
  };

  const ticketCountOf = (index: number): number => {
    const { profile } = drawGroup(index);
    const rng = rngFor(index, 1);
    return Math.min(MAX_TICKETS_PER_CONTACT, rng.count(profile.tickets[0], profile.tickets[1]));
  };

  const checkIndex = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= contacts) throw new RangeError(`contact index ${index} out of range`);
  };

  const contactIdAt = (index: number): string => String(CONTACT_ID_BASE + index);

  const contactAt = (index: number): GeneratedContact => {
    checkIndex(index);
    const { group, profile, rng } = drawGroup(index);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const company = `${rng.pick(COMPANY_PARTS_A)} ${rng.pick(COMPANY_PARTS_B)}`;
    const jobtitle = rng.pick(profile.titles);
    const pageViews = rng.count(profile.pageViews[0], profile.pageViews[1]);
    const visits = Math.max(pageViews > 0 ? 1 : 0, Math.round(pageViews * profile.visitsPerView * (0.8 + 0.4 * rng.next())));
    const delivered = rng.count(profile.delivered[0], profile.delivered[1]);
    const opens = Math.min(delivered, rng.count(profile.opens[0], profile.opens[1]));
    const clicks = Math.min(opens, rng.count(profile.clicks[0], profile.clicks[1]));
    const conversions = rng.count(profile.conversions[0], profile.conversions[1]);
    const ageDays = rng.int(profile.ageDays[0], profile.ageDays[1]);
    const createdAt = referenceTime - ageDays * DAY_MS - rng.int(0, DAY_MS - 1);
    const updatedAt = Math.min(referenceTime, createdAt + rng.int(0, ageDays) * DAY_MS + rng.int(0, 3_600_000));
    const lastOpen = opens > 0 ? referenceTime - rng.int(0, Math.min(ageDays, 120)) * DAY_MS - rng.int(0, DAY_MS - 1) : null;
    const emailDomain = group === 'unqualified' && rng.chance(0.8)
      ? rng.pick(['gmail.com', 'outlook.com', 'yahoo.com'])
      : `${slug(company)}.example.com`;
    const id = contactIdAt(index);
    const companyIndex = accounts.companyIndexOfContact(index);
    const employer = companyIndex >= 0 ? accounts.companyAt(companyIndex) : undefined;
    const properties: Record<string, string | null> = {
      hs_object_id: id,
      firstname: first,
      lastname: last,
      email: `${slug(first)}.${slug(last)}${index}@${emailDomain}`,
      jobtitle: jobtitle === '' ? null : jobtitle,
      // A contact without a primary company may still have typed a company name into a form.
      company: employer?.properties.name ?? company,
      associatedcompanyid: employer?.id ?? null,
      industry: rng.pick(profile.industries),
      numemployees: rng.pick(profile.employees),
      lifecyclestage: rng.pick(profile.lifecycle),
      hs_analytics_source: rng.pick(profile.sources),
      hs_analytics_num_page_views: String(pageViews),
      hs_analytics_num_visits: String(visits),
      hs_email_delivered: String(delivered),
      hs_email_open: String(opens),
      hs_email_click: String(clicks),
      num_conversion_events: String(conversions),
      hs_email_last_open_date: lastOpen === null ? null : iso(Math.max(lastOpen, createdAt)),
      createdate: iso(createdAt),
      lastmodifieddate: iso(updatedAt),
      hs_lastmodifieddate: iso(updatedAt),
    };
    return { id, index, group, createdAt, updatedAt, properties };
  };

  const ticketsOfContact = (index: number): GeneratedTicket[] => {
    checkIndex(index);
    const { profile } = drawGroup(index);
    const count = ticketCountOf(index);
    const rng = rngFor(index, 2);
    const tickets: GeneratedTicket[] = [];
    for (let j = 0; j < count; j++) {
      const category = rng.weighted(profile.categories);
      const priority = rng.weighted(profile.priorities);
      // Most tickets are recent so "tickets within N days" rules have something to see.
      const recent = profile.recentTickets ?? { share: 0.75, days: 90 };
      const ageDays = rng.chance(recent.share) ? rng.int(0, recent.days - 1) : rng.int(90, 400);
      const createdAt = referenceTime - ageDays * DAY_MS - rng.int(0, DAY_MS - 1);
      const updatedAt = Math.min(referenceTime, createdAt + rng.int(0, 5) * DAY_MS);
      const subject = rng.pick(TICKET_SUBJECTS[category]);
      const id = String(TICKET_ID_BASE + index * MAX_TICKETS_PER_CONTACT + j);
      tickets.push({
        id,
        contactIndex: index,
        createdAt,
        properties: {
          hs_object_id: id,
          subject,
          content: `${subject}. Reported by the customer; see thread for details.`,
          hs_ticket_category: category,
          hs_ticket_priority: priority,
          hs_pipeline: '0',
          hs_pipeline_stage: ageDays > 30 ? '4' : rng.pick(PIPELINE_STAGES),
          createdate: iso(createdAt),
          hs_lastmodifieddate: iso(updatedAt),
        },
      });
    }
    return tickets;
  };

  const accounts = generateAccounts({ seed, contacts, referenceTime, groupOf: (index) => drawGroup(index).group });

  const indexOfContactId = (id: string): number | undefined => {
    if (!/^\d+$/.test(id)) return undefined;
    const index = Number(id) - CONTACT_ID_BASE;
    return index >= 0 && index < contacts ? index : undefined;
  };

  const ticketById = (id: string): GeneratedTicket | undefined => {
    if (!/^\d+$/.test(id)) return undefined;
    const offset = Number(id) - TICKET_ID_BASE;
    if (offset < 0) return undefined;
    const index = Math.floor(offset / MAX_TICKETS_PER_CONTACT);
    const j = offset % MAX_TICKETS_PER_CONTACT;
    if (index >= contacts || j >= ticketCountOf(index)) return undefined;
    return ticketsOfContact(index)[j];
  };

  return {
    seed,
    contacts,
    referenceTime,
    contactAt,
    ticketsOfContact,
    ticketCountOf,
    plantedGroupOf: (index) => { checkIndex(index); return drawGroup(index).group; },
    indexOfContactId,
    ticketById,
    contactIdAt,
    accounts,
    *iterateContacts(from = 0, to = contacts) {
      for (let i = Math.max(0, from); i < Math.min(to, contacts); i++) yield contactAt(i);
    },
  };
}

/** Noise contacts draw every field independently from the whole range. */
function noiseProfile(rng: Rng): GroupProfile {
  const spread = (max: number): [number, number] => [rng.int(0, max), max / 3];
  return {
    weight: NOISE_WEIGHT,
    titles: ['Manager', 'Consultant', 'Coordinator', 'Owner', 'Associate', 'Administrator', 'Account Executive', ''],
    industries: ALL_INDUSTRIES,
    employees: ALL_EMPLOYEES,
    lifecycle: ALL_LIFECYCLE,
    sources: ALL_SOURCES,
    pageViews: spread(150), visitsPerView: 0.4, delivered: spread(90), opens: spread(50), clicks: spread(20),
    conversions: spread(12), tickets: spread(2),
    categories: ALL_CATEGORIES.map((c) => [c, 1] as const),
    priorities: [['LOW', 1], ['MEDIUM', 1], ['HIGH', 1], ['URGENT', 1]],
    ageDays: [1, 1200],
  };
}

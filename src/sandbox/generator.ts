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
import { GROUP_WEIGHTS, type GroupProfile, noiseProfile, PROFILES } from './group-profiles';
import type { PlantedGroup } from './planted-groups';
import { mix, Rng } from './seeded-rng';
import { COMPANY_PARTS_A, COMPANY_PARTS_B, FIRST_NAMES, LAST_NAMES, PIPELINE_STAGES, TICKET_SUBJECTS } from './word-lists';

export const CONTACT_ID_BASE = 1001;
export const TICKET_ID_BASE = 5_000_000_001;
/** Tickets per contact never exceed this, so a ticket id encodes its contact index. */
export const MAX_TICKETS_PER_CONTACT = 16;
export const DEFAULT_REFERENCE_TIME = Date.UTC(2026, 10, 1, 12, 0, 0);

const DAY_MS = 86_400_000;

export { PLANTED_GROUPS, type PlantedGroup } from './planted-groups';

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
  const seedHash = mix((seed >>> 0) ^ 0x5bd1e995);

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
    const emailDomain =
      group === 'unqualified' && rng.chance(0.8) ? rng.pick(['gmail.com', 'outlook.com', 'yahoo.com']) : `${slug(company)}.example.com`;
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
    plantedGroupOf: (index) => {
      checkIndex(index);
      return drawGroup(index).group;
    },
    indexOfContactId,
    ticketById,
    contactIdAt,
    accounts,
    *iterateContacts(from = 0, to = contacts) {
      for (let i = Math.max(0, from); i < Math.min(to, contacts); i++) yield contactAt(i);
    },
  };
}

/**
 * Companies and survey responses (feedback submissions) of a generated portal, as pure functions
 * of (seed, index, referenceTime) like the contacts themselves.
 *
 * Companies come in three size tiers; a contact's planted group decides which tier it works in
 * (economic buyers at large companies, developers and marketers at smaller ones), and within a
 * tier lower company indexes draw more contacts, so account sizes are skewed as in real portals:
 * many companies with one or two known contacts, a few with a dozen or more, some with none.
 * Most unqualified contacts (students, job seekers) have no company at all.
 *
 * Survey responses are planted per group too: buyers answer NPS as passives or detractors about
 * price and ROI, analysts are promoters who praise reporting, support leads answer CSAT about
 * support, developers answer CES about the API.
 */
import {
  COMPANY_STAGES,
  LARGE,
  MID,
  NAME_A,
  NAME_B,
  NAME_SUFFIX,
  PLACES,
  SCALE_MAX,
  SMALL,
  SURVEY_IDS,
  SURVEY_NAMES,
  SURVEY_PLANS,
  type Tier,
  TIER_EMPLOYEES,
  TIER_INDUSTRIES,
  WORKPLACE,
} from './account-profiles';
import type { PlantedGroup } from './planted-groups';
import { mix, Rng } from './seeded-rng';

export const COMPANY_ID_BASE = 9_000_000_001;
export const SURVEY_ID_BASE = 7_000_000_001;
/** Responses per contact never exceed this, so a response id encodes its contact index. */
export const MAX_SURVEYS_PER_CONTACT = 4;
/** Companies per contact in a generated portal (100,000 contacts → 30,000 companies). */
export const COMPANIES_PER_CONTACT = 0.3;

const DAY_MS = 86_400_000;

export interface GeneratedCompany {
  id: string;
  index: number;
  createdAt: number;
  updatedAt: number;
  properties: Record<string, string | null>;
}

export interface GeneratedSurvey {
  id: string;
  contactIndex: number;
  createdAt: number;
  properties: Record<string, string | null>;
}

export interface AccountLayer {
  readonly companies: number;
  companyAt(index: number): GeneratedCompany;
  companyIdAt(index: number): string;
  indexOfCompanyId(id: string): number | undefined;
  /** The contact's primary company index, or -1 when it has none. */
  companyIndexOfContact(contactIndex: number): number;
  contactIndexesOfCompany(companyIndex: number): readonly number[];
  surveyCountOf(contactIndex: number): number;
  surveysOfContact(contactIndex: number): GeneratedSurvey[];
  surveyById(id: string): GeneratedSurvey | undefined;
}

export interface AccountOptions {
  seed: number;
  contacts: number;
  referenceTime: number;
  groupOf(contactIndex: number): PlantedGroup;
}

const iso = (ms: number) => new Date(ms).toISOString();
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

export function generateAccounts(options: AccountOptions): AccountLayer {
  const { contacts, referenceTime, groupOf } = options;
  const seedHash = mix((options.seed >>> 0) ^ 0x2c1b3c6d);
  const rngFor = (index: number, stream: number) => new Rng(mix(seedHash ^ mix(index * 8 + stream)));
  const companies = contacts === 0 ? 0 : Math.max(1, Math.ceil(contacts * COMPANIES_PER_CONTACT));

  const tierOf = (companyIndex: number): Tier => {
    const u = rngFor(companyIndex, 1).next();
    return u < 0.4 ? SMALL : u < 0.75 ? MID : LARGE;
  };

  let primary: Int32Array | undefined;
  let members: { start: Int32Array; list: Int32Array } | undefined;

  /** Built once on first use: one int per contact. */
  const primaryIndex = (): Int32Array => {
    if (primary) return primary;
    const byTier: number[][] = [[], [], []];
    for (let j = 0; j < companies; j++) byTier[tierOf(j)].push(j);
    primary = new Int32Array(contacts).fill(-1);
    for (let i = 0; i < contacts; i++) {
      const plan = WORKPLACE[groupOf(i)];
      const rng = rngFor(i, 2);
      if (!rng.chance(plan.company)) continue;
      const roll = rng.next() * (plan.tiers[0] + plan.tiers[1] + plan.tiers[2]);
      let tier: Tier = roll < plan.tiers[0] ? SMALL : roll < plan.tiers[0] + plan.tiers[1] ? MID : LARGE;
      if (byTier[tier].length === 0) tier = ([SMALL, MID, LARGE] as Tier[]).find((t) => byTier[t].length > 0) ?? SMALL;
      const pool = byTier[tier];
      if (pool.length === 0) continue;
      // Squaring skews towards low indexes: a few big accounts, many small ones.
      const u = rng.next();
      primary[i] = pool[Math.floor(u * u * pool.length)];
    }
    return primary;
  };

  const memberIndex = () => {
    if (members) return members;
    const of = primaryIndex();
    const start = new Int32Array(companies + 1);
    for (let i = 0; i < contacts; i++) if (of[i] >= 0) start[of[i] + 1] += 1;
    for (let j = 0; j < companies; j++) start[j + 1] += start[j];
    const fill = start.slice(0, companies);
    const list = new Int32Array(start[companies]);
    for (let i = 0; i < contacts; i++) if (of[i] >= 0) list[fill[of[i]]++] = i;
    members = { start, list };
    return members;
  };

  const checkCompany = (index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= companies) throw new RangeError(`company index ${index} out of range`);
  };
  const companyIdAt = (index: number) => String(COMPANY_ID_BASE + index);

  const companyAt = (index: number): GeneratedCompany => {
    checkCompany(index);
    const tier = tierOf(index);
    const rng = rngFor(index, 3);
    const a = rng.pick(NAME_A);
    const b = rng.pick(NAME_B);
    const name = `${a} ${b} ${rng.pick(NAME_SUFFIX)}`;
    const [low, high] = TIER_EMPLOYEES[tier];
    // Log-uniform: company sizes spread over orders of magnitude.
    const employees = Math.round(Math.exp(Math.log(low) + rng.next() * (Math.log(high) - Math.log(low))));
    const revenue = employees * rng.int(80, 260) * 1000;
    const [country, city] = rng.pick(PLACES);
    const ageDays = rng.int(200, 2000);
    const createdAt = referenceTime - ageDays * DAY_MS - rng.int(0, DAY_MS - 1);
    const updatedAt = Math.min(referenceTime, createdAt + rng.int(0, ageDays) * DAY_MS);
    const id = companyIdAt(index);
    return {
      id,
      index,
      createdAt,
      updatedAt,
      properties: {
        hs_object_id: id,
        name,
        domain: `${slug(a + b)}${index}.example.com`,
        industry: rng.pick(TIER_INDUSTRIES[tier]),
        numberofemployees: String(employees),
        annualrevenue: String(revenue),
        lifecyclestage: rng.pick(COMPANY_STAGES),
        country,
        city,
        createdate: iso(createdAt),
        hs_lastmodifieddate: iso(updatedAt),
      },
    };
  };

  const surveyCountOf = (contactIndex: number): number => {
    const plan = SURVEY_PLANS[groupOf(contactIndex)];
    const rng = rngFor(contactIndex, 4);
    return rng.chance(plan.share) ? rng.int(1, 3) : 0;
  };

  const surveysOfContact = (contactIndex: number): GeneratedSurvey[] => {
    const plan = SURVEY_PLANS[groupOf(contactIndex)];
    const count = surveyCountOf(contactIndex);
    const rng = rngFor(contactIndex, 5);
    const out: GeneratedSurvey[] = [];
    for (let j = 0; j < count; j++) {
      const type = rng.pick(plan.type);
      const scaleMax = SCALE_MAX[type];
      const value = Math.min(scaleMax, Math.max(type === 'NPS' ? 0 : 1, rng.int(plan.value[0], plan.value[1])));
      const share = value / scaleMax;
      const sentiment = share >= 0.75 ? 'POSITIVE' : share >= 0.5 ? 'NEUTRAL' : 'NEGATIVE';
      const group = type === 'NPS' ? (value >= 9 ? 'PROMOTER' : value >= 7 ? 'PASSIVE' : 'DETRACTOR') : null;
      const createdAt = referenceTime - rng.int(0, 300) * DAY_MS - rng.int(0, DAY_MS - 1);
      const comment = rng.chance(0.7) ? rng.pick(plan.comments) : null;
      const id = String(SURVEY_ID_BASE + contactIndex * MAX_SURVEYS_PER_CONTACT + j);
      out.push({
        id,
        contactIndex,
        createdAt,
        properties: {
          hs_object_id: id,
          hs_survey_id: SURVEY_IDS[type],
          hs_survey_name: SURVEY_NAMES[type],
          hs_survey_type: type,
          hs_survey_channel: rng.pick(['EMAIL', 'EMAIL', 'WEB', 'CHAT']),
          hs_value: String(value),
          hs_response_group: group,
          hs_sentiment: sentiment,
          hs_content: comment,
          hs_submission_name: `${SURVEY_NAMES[type]} - ${contactIndex}`,
          hs_createdate: iso(createdAt),
          hs_lastmodifieddate: iso(createdAt),
        },
      });
    }
    return out;
  };

  return {
    companies,
    companyAt,
    companyIdAt,
    indexOfCompanyId(id) {
      if (!/^\d+$/.test(id)) return undefined;
      const index = Number(id) - COMPANY_ID_BASE;
      return index >= 0 && index < companies ? index : undefined;
    },
    companyIndexOfContact(contactIndex) {
      return contactIndex >= 0 && contactIndex < contacts ? primaryIndex()[contactIndex] : -1;
    },
    contactIndexesOfCompany(companyIndex) {
      checkCompany(companyIndex);
      const { start, list } = memberIndex();
      return Array.from(list.subarray(start[companyIndex], start[companyIndex + 1]));
    },
    surveyCountOf,
    surveysOfContact,
    surveyById(id) {
      if (!/^\d+$/.test(id)) return undefined;
      const offset = Number(id) - SURVEY_ID_BASE;
      if (offset < 0) return undefined;
      const index = Math.floor(offset / MAX_SURVEYS_PER_CONTACT);
      const j = offset % MAX_SURVEYS_PER_CONTACT;
      if (index >= contacts || j >= surveyCountOf(index)) return undefined;
      return surveysOfContact(index)[j];
    },
  };
}

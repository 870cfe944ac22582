import type { PlantedGroup } from './planted-groups';
import { COMPANY_PARTS_A, COMPANY_PARTS_B } from './word-lists';

/** What the companies and survey responses of each planted group look like: size tiers, names, places, survey plans. */

export type Tier = 0 | 1 | 2;
export const SMALL: Tier = 0;
export const MID: Tier = 1;
export const LARGE: Tier = 2;

/** For each group: chance of having a company at all, then the tier weights [small, mid, large]. */
export const WORKPLACE: Record<PlantedGroup, { company: number; tiers: [number, number, number] }> = {
  economic_buyer: { company: 0.97, tiers: [0, 0.2, 0.8] },
  hands_on_analyst: { company: 0.95, tiers: [0.15, 0.6, 0.25] },
  marketing_ops: { company: 0.93, tiers: [0.45, 0.45, 0.1] },
  support_lead: { company: 0.95, tiers: [0.1, 0.5, 0.4] },
  developer: { company: 0.9, tiers: [0.5, 0.4, 0.1] },
  unqualified: { company: 0.15, tiers: [1, 0, 0] },
  noise: { company: 0.75, tiers: [0.4, 0.35, 0.25] },
};

export const TIER_INDUSTRIES: Record<Tier, readonly string[]> = {
  [SMALL]: ['COMPUTER_SOFTWARE', 'MARKETING_AND_ADVERTISING', 'RETAIL', 'EDUCATION', 'INFORMATION_TECHNOLOGY_AND_SERVICES'],
  [MID]: ['COMPUTER_SOFTWARE', 'FINANCIAL_SERVICES', 'RETAIL', 'HOSPITAL_HEALTH_CARE', 'MARKETING_AND_ADVERTISING', 'INSURANCE'],
  [LARGE]: ['FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'MANUFACTURING', 'INSURANCE', 'COMPUTER_SOFTWARE'],
};
export const TIER_EMPLOYEES: Record<Tier, [number, number]> = { [SMALL]: [3, 49], [MID]: [50, 499], [LARGE]: [500, 60_000] };
// Company names start from the words of the contacts' free-text company field, so the two read alike.
export const NAME_A = [...COMPANY_PARTS_A, 'Acme', 'Granite', 'Orbit', 'Meridian', 'Willow'];
export const NAME_B = [...COMPANY_PARTS_B, 'Insurance', 'Manufacturing', 'Logistics'];
export const NAME_SUFFIX = ['Inc.', 'GmbH', 'Ltd', 'Group', 'Co.', 'AG', 'LLC'];
export const PLACES: readonly (readonly [string, string])[] = [
  ['United States', 'Boston'],
  ['United States', 'Austin'],
  ['United Kingdom', 'London'],
  ['Germany', 'Berlin'],
  ['France', 'Paris'],
  ['Canada', 'Toronto'],
  ['Netherlands', 'Amsterdam'],
  ['India', 'Bengaluru'],
  ['Japan', 'Tokyo'],
];
export const COMPANY_STAGES = ['lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'customer', 'evangelist'];

export type SurveyType = 'NPS' | 'CSAT' | 'CES';
export interface SurveyPlan {
  share: number;
  type: readonly SurveyType[];
  /** Score range on the survey's own scale: NPS 0–10, CSAT 1–5, CES 1–7. */
  value: [number, number];
  comments: readonly string[];
}

export const SURVEY_PLANS: Record<PlantedGroup, SurveyPlan> = {
  economic_buyer: {
    share: 0.5,
    type: ['NPS'],
    value: [2, 8],
    comments: [
      'Too expensive for what we use.',
      'The ROI is still unclear to our board.',
      'Renewal pricing went up again.',
      'Solid product, but we need better executive reporting.',
      'Procurement took far too long.',
    ],
  },
  hands_on_analyst: {
    share: 0.6,
    type: ['NPS', 'NPS', 'CSAT'],
    value: [8, 10],
    comments: [
      'The reports save me hours every week.',
      'Love the exports and the dashboards.',
      'Onboarding was smooth.',
      'I would like more chart types.',
      'Best analytics tool we have used.',
    ],
  },
  marketing_ops: {
    share: 0.4,
    type: ['NPS'],
    value: [6, 10],
    comments: ['Campaign scheduling works well.', 'Please add a Slack integration.', 'List segmentation is great.'],
  },
  support_lead: {
    share: 0.7,
    type: ['CSAT', 'CSAT', 'NPS'],
    value: [1, 5],
    comments: [
      'Support took three days to answer.',
      'The agent solved it quickly, thank you.',
      'Escalations are too slow during incidents.',
      'Great help from the support team.',
    ],
  },
  developer: {
    share: 0.3,
    type: ['CES'],
    value: [1, 7],
    comments: ['The API docs are great.', 'Webhooks were flaky last week.', 'Setting up OAuth was harder than it should be.'],
  },
  unqualified: { share: 0.05, type: ['NPS'], value: [0, 10], comments: ['Is there a student discount?'] },
  noise: { share: 0.2, type: ['NPS', 'CSAT', 'CES'], value: [0, 10], comments: ['OK.', 'Fine overall.', 'Not sure yet.'] },
};
export const SURVEY_NAMES: Record<SurveyType, string> = {
  NPS: 'Quarterly NPS',
  CSAT: 'Support satisfaction (CSAT)',
  CES: 'Setup effort (CES)',
};
export const SURVEY_IDS: Record<SurveyType, string> = { NPS: '101', CSAT: '102', CES: '103' };
export const SCALE_MAX: Record<SurveyType, number> = { NPS: 10, CSAT: 5, CES: 7 };

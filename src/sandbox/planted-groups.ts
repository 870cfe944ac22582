/** The persona-like groups a generated portal's contacts are drawn from (plus ~10% noise). */
export type PlantedGroup = 'economic_buyer' | 'hands_on_analyst' | 'marketing_ops' | 'support_lead' | 'developer' | 'unqualified' | 'noise';

export const PLANTED_GROUPS: readonly PlantedGroup[] = [
  'economic_buyer',
  'hands_on_analyst',
  'marketing_ops',
  'support_lead',
  'developer',
  'unqualified',
  'noise',
];

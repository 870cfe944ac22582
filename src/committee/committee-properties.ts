import type { Persona, RuleSet } from '../personas/engine';
import {
  mergeEnumerationOptions,
  type ContactPropertyDefinition,
  type MergeOptions,
  type PropertyGroupDefinition,
} from '../personas/persona-properties';
import { committeePropertyNames } from './coverage';

/**
 * The two company properties of the buying committee, in the same group as the contact persona
 * properties (a group of the same name on companies). Their options follow the rule set the same
 * way (merged, hidden never deleted): coverage offers every non-negative persona, gaps every
 * committee persona, since those are the only values each can hold.
 */
export interface CommitteePropertyDefinitions {
  group: PropertyGroupDefinition;
  coverage: ContactPropertyDefinition & { merge: MergeOptions };
  gaps: ContactPropertyDefinition & { merge: MergeOptions };
}

export const coverageOptions: MergeOptions = { includeUnassigned: false, personas: (p: Persona) => p.kind !== 'negative' };
export const gapsOptions: MergeOptions = { includeUnassigned: false, personas: (p: Persona) => p.committee === true };

export function committeePropertyDefinitions(ruleSet: RuleSet, group: PropertyGroupDefinition): CommitteePropertyDefinitions {
  const names = committeePropertyNames(ruleSet.property);
  const { label, groupName } = ruleSet.property;
  const checkbox = { type: 'enumeration', fieldType: 'checkbox', groupName, formField: false } as const;
  return {
    group,
    coverage: {
      ...checkbox,
      name: names.coverage,
      label: `${label} coverage`,
      description: "Personas held by at least one of the company's contacts (manual values count).",
      options: mergeEnumerationOptions([], ruleSet, coverageOptions),
      merge: coverageOptions,
    },
    gaps: {
      ...checkbox,
      name: names.gaps,
      label: `${label} gaps`,
      description: 'Buying-committee personas none of the company’s contacts holds.',
      options: mergeEnumerationOptions([], ruleSet, gapsOptions),
      merge: gapsOptions,
    },
  };
}

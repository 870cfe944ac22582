import { mergeEnumerationOptions, personaPropertyDefinitions, type PropertyOption } from '../../../src/personas/persona-properties';
import { aPersona, aRuleSet } from '../../support/rule-set-builders';

const ruleSet = aRuleSet([aPersona({ id: 'analyst', name: 'Alex the Analyst' }), aPersona({ id: 'buyer', name: 'Olivia' })]);

describe('personaPropertyDefinitions', () => {
  const definitions = personaPropertyDefinitions(ruleSet);

  it('defines the group and the three properties named after the rule set', () => {
    expect(definitions.group).toEqual({ name: 'personas', label: 'Personas', displayOrder: -1 });
    expect([definitions.persona, definitions.secondary, definitions.score].map((p) => [p.name, p.type, p.fieldType, p.groupName])).toEqual([
      ['persona', 'enumeration', 'select', 'personas'],
      ['persona_secondary', 'enumeration', 'checkbox', 'personas'],
      ['persona_score', 'number', 'number', 'personas'],
    ]);
  });

  it('offers every persona and the unassigned option on the primary property', () => {
    expect(definitions.persona.options).toEqual([
      { label: 'Alex the Analyst', value: 'analyst', displayOrder: 0, hidden: false },
      { label: 'Olivia', value: 'buyer', displayOrder: 1, hidden: false },
      { label: 'No persona yet', value: 'unassigned', displayOrder: 2, hidden: false },
    ]);
  });

  it('offers personas but not the unassigned option on the secondary property', () => {
    expect(definitions.secondary.options.map((option) => option.value)).toEqual(['analyst', 'buyer']);
  });
});

describe('mergeEnumerationOptions', () => {
  const existing: PropertyOption[] = [
    { label: 'Old analyst label', value: 'analyst', displayOrder: 0, hidden: false },
    { label: 'Retired', value: 'retired', displayOrder: 1, hidden: false },
    { label: 'No persona yet', value: 'unassigned', displayOrder: 2, hidden: false },
  ];

  it('updates labels, hides removed personas and appends new ones after the highest displayOrder', () => {
    expect(mergeEnumerationOptions(existing, ruleSet)).toEqual([
      { label: 'Alex the Analyst', value: 'analyst', displayOrder: 0, hidden: false },
      { label: 'Retired', value: 'retired', displayOrder: 1, hidden: true },
      { label: 'No persona yet', value: 'unassigned', displayOrder: 2, hidden: false },
      { label: 'Olivia', value: 'buyer', displayOrder: 3, hidden: false },
    ]);
  });

  it('never drops an option that exists in HubSpot', () => {
    const merged = mergeEnumerationOptions(existing, aRuleSet([]));

    expect(merged.map((option) => option.value)).toEqual(['analyst', 'retired', 'unassigned']);
    expect(merged.filter((option) => option.hidden).map((option) => option.value)).toEqual(['analyst', 'retired']);
  });

  it('brings a hidden option back when its persona returns', () => {
    const hidden = existing.map((option) => (option.value === 'analyst' ? { ...option, hidden: true } : option));

    expect(mergeEnumerationOptions(hidden, ruleSet)[0]).toEqual({
      label: 'Alex the Analyst',
      value: 'analyst',
      displayOrder: 0,
      hidden: false,
    });
  });

  it('adds the unassigned option when it is missing and shows it when hidden', () => {
    expect(mergeEnumerationOptions([], aRuleSet([]))).toEqual([
      { label: 'No persona yet', value: 'unassigned', displayOrder: 0, hidden: false },
    ]);
    const hiddenUnassigned = [{ label: 'Nobody', value: 'unassigned', displayOrder: 5, hidden: true }];
    expect(mergeEnumerationOptions(hiddenUnassigned, aRuleSet([]))).toEqual([
      { label: 'No persona yet', value: 'unassigned', displayOrder: 5, hidden: false },
    ]);
  });

  it('is stable: merging its own output again changes nothing', () => {
    const once = mergeEnumerationOptions(existing, ruleSet);

    expect(mergeEnumerationOptions(once, ruleSet)).toEqual(once);
  });

  it('keeps the displayOrder HubSpot has even when the rule set reorders personas', () => {
    const reordered = aRuleSet([aPersona({ id: 'buyer', name: 'Olivia' }), aPersona({ id: 'analyst', name: 'Alex the Analyst' })]);
    const once = mergeEnumerationOptions(existing, ruleSet);

    expect(mergeEnumerationOptions(once, reordered)).toEqual(once);
  });

  it('does not touch the input list', () => {
    const copy = JSON.parse(JSON.stringify(existing));

    mergeEnumerationOptions(existing, ruleSet);

    expect(existing).toEqual(copy);
  });
});

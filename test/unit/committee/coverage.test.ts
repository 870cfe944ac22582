import {
  committeeCoverage,
  committeePropertyNames,
  coveragePatch,
  coverageValues,
  diffCoverage,
  parseCoverageValue,
} from '../../../src/committee/coverage';
import { aPersona, aRuleSet } from '../../support/rule-set-builders';

// Rule-set order deliberately differs from alphabetical order, so order bugs show.
const ruleSet = aRuleSet([
  aPersona({ id: 'user', kind: 'customer' }),
  aPersona({ id: 'economic', kind: 'buyer', committee: true }),
  aPersona({ id: 'spam', kind: 'negative' }),
  aPersona({ id: 'champion', kind: 'customer', committee: true }),
  aPersona({ id: 'tech', kind: 'buyer', committee: true }),
]);

describe('committeeCoverage', () => {
  it('lists held non-negative personas and absent committee personas, both in rule-set order', () => {
    expect(committeeCoverage(ruleSet, ['tech', 'user', 'tech', 'champion'])).toEqual({
      coverage: ['user', 'champion', 'tech'],
      gaps: ['economic'],
    });
  });

  it('ignores negative personas, the unassigned id, unknown (removed) ids and unscored contacts', () => {
    expect(committeeCoverage(ruleSet, ['spam', 'unassigned', 'retired_persona', null])).toEqual({
      coverage: [],
      gaps: ['economic', 'champion', 'tech'],
    });
  });

  it('has no gaps when the rule set marks no committee, and full coverage has none either', () => {
    const noCommittee = aRuleSet([aPersona({ id: 'a' }), aPersona({ id: 'b' })]);
    expect(committeeCoverage(noCommittee, ['b'])).toEqual({ coverage: ['b'], gaps: [] });
    expect(committeeCoverage(ruleSet, ['champion', 'economic', 'tech'])).toEqual({ coverage: ['economic', 'champion', 'tech'], gaps: [] });
  });
});

describe('coverage values', () => {
  it('joins with ; as HubSpot checkbox values and reads them back', () => {
    const values = coverageValues({ coverage: ['user', 'tech'], gaps: [] });
    expect(values).toEqual({ coverage: 'user;tech', gaps: '' });
    expect(parseCoverageValue(values.coverage)).toEqual(['user', 'tech']);
    expect(parseCoverageValue(' a ;;b ')).toEqual(['a', 'b']);
    expect(parseCoverageValue(null)).toEqual([]);
  });

  it('names the properties after the rule set property and patches both for a company never written', () => {
    const names = committeePropertyNames({ name: 'buyer_type' });
    expect(names).toEqual({ coverage: 'buyer_type_coverage', gaps: 'buyer_type_gaps' });
    expect(coveragePatch(names, { coverage: 'a', gaps: '' }, null)).toEqual({ buyer_type_coverage: 'a', buyer_type_gaps: '' });
  });

  it('patches only the property that differs from what was last written', () => {
    const names = committeePropertyNames({ name: 'buyer_type' });
    expect(coveragePatch(names, { coverage: 'a;b', gaps: 'c' }, { coverage: 'a', gaps: 'c' })).toEqual({ buyer_type_coverage: 'a;b' });
    expect(coveragePatch(names, { coverage: 'a', gaps: '' }, { coverage: 'a', gaps: 'c' })).toEqual({ buyer_type_gaps: '' });
    expect(coveragePatch(names, { coverage: '', gaps: '' }, { coverage: 'a', gaps: 'c' })).toEqual({
      buyer_type_coverage: '',
      buyer_type_gaps: '',
    });
    // Written empty once: a company whose contacts all left and whose gaps were already empty gets only coverage emptied.
    expect(coveragePatch(names, { coverage: '', gaps: '' }, { coverage: 'a', gaps: '' })).toEqual({ buyer_type_coverage: '' });
  });
});

describe('diffCoverage', () => {
  it('writes a company with contacts the first time, even when both values are empty', () => {
    const none = aRuleSet([aPersona({ id: 'a' })]);
    expect(diffCoverage({ ruleSet: none, contactPersonaIds: ['unassigned'], lastWritten: null })).toEqual({ coverage: '', gaps: '' });
    expect(diffCoverage({ ruleSet, contactPersonaIds: ['tech'], lastWritten: null })).toEqual({
      coverage: 'tech',
      gaps: 'economic;champion',
    });
  });

  it('writes nothing when both values equal what was last written', () => {
    expect(diffCoverage({ ruleSet, contactPersonaIds: ['tech'], lastWritten: { coverage: 'tech', gaps: 'economic;champion' } })).toBeNull();
  });

  it('writes both values when either differs', () => {
    expect(diffCoverage({ ruleSet, contactPersonaIds: ['tech'], lastWritten: { coverage: 'tech', gaps: 'economic' } })).toEqual({
      coverage: 'tech',
      gaps: 'economic;champion',
    });
    expect(
      diffCoverage({ ruleSet, contactPersonaIds: ['tech', 'user'], lastWritten: { coverage: 'tech', gaps: 'economic;champion' } }),
    ).toEqual({ coverage: 'user;tech', gaps: 'economic;champion' });
  });

  it('writes empty values once when every contact has left, and never to a company never written', () => {
    expect(diffCoverage({ ruleSet, contactPersonaIds: [], lastWritten: { coverage: 'tech', gaps: 'economic' } })).toEqual({
      coverage: '',
      gaps: '',
    });
    expect(diffCoverage({ ruleSet, contactPersonaIds: [], lastWritten: { coverage: '', gaps: '' } })).toBeNull();
    expect(diffCoverage({ ruleSet, contactPersonaIds: [], lastWritten: null })).toBeNull();
  });
});

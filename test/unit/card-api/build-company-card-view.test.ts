import { buildCompanyCardView } from '../../../src/card-api/build-company-card-view';
import { aCompanyContact, aCompanyInput, committeeWithGaps, fullCommittee, NOW } from './company-card-fixtures';

describe('buildCompanyCardView', () => {
  it('with every committee persona held: the personas present with up to three contacts each, no gaps, full coverage', () => {
    const view = buildCompanyCardView(aCompanyInput(fullCommittee));

    expect(view).toMatchObject({
      contractVersion: 1,
      portalId: 123,
      companyId: '900',
      company: { name: 'Acme Corp', domain: 'acme.example', industry: 'COMPUTER_SOFTWARE' },
      state: 'ready',
      contactCount: 6,
      gaps: [],
      coverage: { covered: 3, committee: 3 },
      withoutPersona: 0,
      negative: 0,
      generatedAt: new Date(NOW).toISOString(),
    });
    expect(view.present.map((p) => [p.personaId, p.personaName, p.committee, p.total, p.contacts.map((c) => c.name)])).toEqual([
      ['economic_buyer', 'Economic Buyer', true, 1, ['Ada Chief']],
      // Four analysts: the first three by name are listed, the card says "and 1 more".
      ['analyst', 'Hands-on Analyst', true, 4, ['Ben Berg', 'Cleo Cruz', 'Dan Dietz']],
      ['engineer', 'Integration Engineer', true, 1, ['Finn Fox']],
    ]);
    expect(view.present[0]!.contacts[0]).toEqual({ contactId: '11', name: 'Ada Chief', jobTitle: 'Chief Financial Officer' });
  });

  it('names each gap with the contacts closest to its threshold and the rules they miss, enough to close it', () => {
    const view = buildCompanyCardView(aCompanyInput(committeeWithGaps));

    expect(view.coverage).toEqual({ covered: 1, committee: 3 });
    expect(view.present.map((p) => p.personaId)).toEqual(['analyst', 'marketer']);
    expect(view.present.find((p) => p.personaId === 'marketer')?.committee).toBe(false);
    expect(view.gaps.map((g) => g.personaId)).toEqual(['economic_buyer', 'engineer']);

    const buyer = view.gaps[0]!;
    expect(buyer.personaName).toBe('Economic Buyer');
    expect(
      buyer.candidates.map((c) => [c.name, c.score, c.threshold, c.pointsMissing, c.missingRules, c.reachable, c.holdsPersonaName]),
    ).toEqual([
      ['Jane Roe', 35, 55, 20, [{ label: 'Owns a budget', points: 20 }], true, null],
      ['Tom Tate', 20, 55, 35, [{ label: 'C-level title', points: 35 }], true, null],
      [
        'Mia Moss',
        15,
        55,
        40,
        [
          { label: 'C-level title', points: 35 },
          { label: 'Owns a budget', points: 20 },
        ],
        true,
        'Marketing Ops',
      ],
    ]);
    // Nobody has a single engineering point: no candidate rather than a list of zeros.
    expect(view.gaps[1]).toEqual({ personaId: 'engineer', personaName: 'Integration Engineer', candidates: [] });
    // The intern holds a negative persona; Jane, Tom and the receptionist none: neither counts for coverage.
    expect(view).toMatchObject({ negative: 1, withoutPersona: 3 });
  });

  it('keeps at most three candidates per gap, closest first', () => {
    const many = ['1', '2', '3', '4'].map((n) =>
      aCompanyContact(`3${n}`, { firstname: `P${n}`, budget_owner: 'true', demo_requested: n === '4' ? 'true' : 'false' }),
    );
    const view = buildCompanyCardView(aCompanyInput(many));

    expect(view.gaps[0]!.candidates.map((c) => [c.name, c.score])).toEqual([
      ['P4', 35],
      ['P1', 20],
      ['P2', 20],
    ]);
  });

  it('counts a manual value as the contact holds it, and a candidate that qualifies but holds another persona', () => {
    // Ada qualifies as economic buyer by the rules, but someone set her to Marketing Ops by hand.
    const ada = aCompanyContact(
      '11',
      { firstname: 'Ada', lastname: 'Chief', jobtitle: 'Chief Financial Officer', budget_owner: 'true' },
      'marketer',
    );
    const view = buildCompanyCardView(aCompanyInput([ada]));

    expect(view.present.map((p) => p.personaId)).toEqual(['marketer']);
    expect(view.gaps[0]!.candidates).toEqual([
      expect.objectContaining({
        name: 'Ada Chief',
        score: 55,
        pointsMissing: 0,
        missingRules: [],
        reachable: true,
        holdsPersonaName: 'Marketing Ops',
      }),
    ]);
  });

  it('says when the company has no contacts: every committee persona is a gap without candidates', () => {
    const view = buildCompanyCardView(aCompanyInput([], { company: { properties: {} } }));

    expect(view).toMatchObject({ state: 'no-contacts', contactCount: 0, present: [], coverage: { covered: 0, committee: 3 } });
    expect(view.company.name).toBe('Company 900');
    expect(view.gaps.every((g) => g.candidates.length === 0)).toBe(true);
  });

  it('lists a gap as unreachable when all its unmet rules together fall short', () => {
    const rules = aCompanyInput([]).ruleSet;
    const contact = aCompanyContact('41', { firstname: 'Zed', reads_docs: 'true' });
    const tight = { ...rules, personas: rules.personas.map((p) => (p.id === 'engineer' ? { ...p, threshold: 100 } : p)) };
    const evaluations = contact.evaluations.map((e) => (e.personaId === 'engineer' ? { ...e, threshold: 100, pointsMissing: 85 } : e));
    const view = buildCompanyCardView(aCompanyInput([{ ...contact, evaluations }], { ruleSet: tight }));

    expect(view.gaps.find((g) => g.personaId === 'engineer')!.candidates[0]).toMatchObject({
      name: 'Zed',
      score: 15,
      pointsMissing: 85,
      missingRules: [{ label: 'Engineering title', points: 30 }],
      reachable: false,
    });
  });
});

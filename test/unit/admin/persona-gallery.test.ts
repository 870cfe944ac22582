import { contentMatrix, galleryPersonas } from '../../../src/admin/persona-gallery';
import { aPersona, aProfile, aRuleSet } from '../../support/rule-set-builders';

describe('persona gallery and content matrix', () => {
  const sparse = aPersona({
    id: 'sparse',
    profile: aProfile({ content: { awareness: ['Blog'], consideration: [], decision: [], advocacy: ['Forum'] } }),
  });
  const full = aPersona({ id: 'full', profile: aProfile({ photoUrl: 'https://img.example/full.png' }) });

  it('lists every persona × stage without content as a gap, in row order', () => {
    const matrix = contentMatrix(aRuleSet([full, sparse]));
    expect(matrix.gaps).toEqual([
      { personaId: 'sparse', stage: 'consideration' },
      { personaId: 'sparse', stage: 'decision' },
    ]);
    expect(matrix.rows.map((r) => r.cells.map((c) => c.items.length))).toEqual([
      [1, 1, 1, 1],
      [1, 0, 0, 1],
    ]);
  });

  it('points our own avatars at the portal so initials follow its names, and leaves other photos alone', () => {
    const [own, external] = galleryPersonas(aRuleSet([sparse, full]), (id) => `portal=42&sig=for-${id}`);
    expect(own.photoUrl).toBe('/static/personas/test.svg?portal=42&sig=for-sparse');
    expect(external.photoUrl).toBe('https://img.example/full.png');
  });
});

import { type JourneyStage, journeyStages, type PersonaKind, type PersonaProfile, type RuleSet } from '../personas/engine';

export interface GalleryPersona {
  readonly id: string;
  readonly name: string;
  readonly kind: PersonaKind;
  readonly photoUrl: string;
  readonly profile: PersonaProfile;
  readonly ruleCount: number;
  readonly threshold: number;
}

const AVATAR_PREFIX = '/static/personas/';

/** Our own avatar URLs get the (signed) portal query, so the initials follow the portal's persona names. */
export function resolvePhotoUrl(photoUrl: string, personaId: string, avatarQuery: (personaId: string) => string): string {
  return photoUrl.startsWith(AVATAR_PREFIX) && !photoUrl.includes('?') ? `${photoUrl}?${avatarQuery(personaId)}` : photoUrl;
}

export function galleryPersonas(ruleSet: RuleSet, avatarQuery: (personaId: string) => string): GalleryPersona[] {
  return ruleSet.personas.map((p) => ({
    id: p.id,
    name: p.name,
    kind: p.kind,
    photoUrl: resolvePhotoUrl(p.profile.photoUrl, p.id, avatarQuery),
    profile: p.profile,
    ruleCount: p.rules.length,
    threshold: p.threshold,
  }));
}

export interface ContentMatrix {
  readonly stages: readonly JourneyStage[];
  readonly rows: readonly {
    personaId: string;
    name: string;
    kind: PersonaKind;
    cells: readonly { stage: JourneyStage; items: readonly string[] }[];
  }[];
  /** Every persona × stage with no content, in row order. */
  readonly gaps: readonly { personaId: string; stage: JourneyStage }[];
}

/** Persona × journey stage, with the cells that have no content listed as gaps. */
export function contentMatrix(ruleSet: RuleSet): ContentMatrix {
  const rows = ruleSet.personas.map((p) => ({
    personaId: p.id,
    name: p.name,
    kind: p.kind,
    cells: journeyStages.map((stage) => ({ stage, items: p.profile.content[stage] })),
  }));
  const gaps = rows.flatMap((r) => r.cells.filter((c) => c.items.length === 0).map((c) => ({ personaId: r.personaId, stage: c.stage })));
  return { stages: journeyStages, rows, gaps };
}

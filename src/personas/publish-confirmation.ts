import type { PortalId } from '../crm/model';
import { AppError } from '../platform/errors';
import type { RuleSet } from './engine';
import type { PublishImpact } from './publish-impact';

/** What a preview says about contacts leaving persona values (see RuleSetAdminService.preview). */
export interface LeavingInput {
  readonly before: Readonly<Record<string, number>>;
  readonly moves: readonly { readonly from: string; readonly to: string; readonly count: number }[];
}

/** Persona values a publish takes contacts out of (or removes), with how many contacts leave each. */
export function leavingCounts(preview: LeavingInput, draft: Pick<RuleSet, 'personas' | 'unassigned'>): Map<string, number> {
  const leaving = new Map<string, number>();
  for (const m of preview.moves) if (m.from !== m.to) leaving.set(m.from, (leaving.get(m.from) ?? 0) + m.count);
  const kept = new Set([...draft.personas.map((p) => p.id), draft.unassigned.id]);
  for (const id of Object.keys(preview.before)) if (!kept.has(id) && !leaving.has(id)) leaving.set(id, 0);
  return leaving;
}

/**
 * Contacts that would leave a value some list or workflow reads: the number an admin types to
 * publish anyway. A half that could not be checked counts nothing, as the page shows it.
 */
export function affectedCount(impact: PublishImpact, leaving: ReadonlyMap<string, number>): { count: number; usedBy: string[] } {
  const used = new Set<string>();
  const usedBy: string[] = [];
  for (const check of [impact.lists, impact.workflows]) {
    if (check.status !== 'checked') continue;
    for (const u of check.items) {
      const touched = u.values.filter((v) => (leaving.get(v) ?? 0) > 0);
      for (const v of u.values) used.add(v);
      if (touched.length) usedBy.push(`${u.kind} "${u.name}"`);
    }
  }
  return { count: [...used].reduce((sum, v) => sum + (leaving.get(v) ?? 0), 0), usedBy };
}

/** Reads which HubSpot lists and workflows use some persona values (PublishImpactService.usage). */
export type PersonaUsageReader = (portalId: PortalId, values: readonly string[]) => Promise<PublishImpact>;

/**
 * Refuses a publish (or a rollback) that moves contacts out of persona values HubSpot lists or workflows use,
 * unless the request confirms the exact number of such contacts (what the admin typed). A number
 * that no longer matches (contacts changed since the preview) is refused too, with the new count.
 */
export async function requirePublishConfirmation(input: {
  readonly portalId: PortalId;
  readonly preview: LeavingInput;
  readonly draft: Pick<RuleSet, 'personas' | 'unassigned'>;
  readonly usage: PersonaUsageReader;
  readonly confirmAffected: number | undefined;
  /** What is being confirmed, for the message: a rollback republishes an older version and needs the same. */
  readonly action?: 'publish' | 'rollback';
}): Promise<void> {
  const leaving = leavingCounts(input.preview, input.draft);
  if (leaving.size === 0) return;
  const { count, usedBy } = affectedCount(await input.usage(input.portalId, [...leaving.keys()].sort()), leaving);
  if (count === 0 || input.confirmAffected === count) return;
  const what = `${count} contact${count === 1 ? '' : 's'} would leave persona values that ${usedBy.join(', ')} use${usedBy.length === 1 ? 's' : ''}`;
  const [doing, todo] = input.action === 'rollback' ? ['Rolling back', 'roll back'] : ['Publishing', 'publish'];
  const message =
    input.confirmAffected === undefined
      ? `${doing} needs a typed confirmation: ${what}. Send "confirmAffected": ${count} to ${todo} anyway.`
      : `The confirmation does not match: ${what}, not ${input.confirmAffected}. Preview again, then confirm ${count}.`;
  throw new AppError('conflict', message, { details: [{ path: 'confirmAffected', message: `must be ${count}` }] });
}

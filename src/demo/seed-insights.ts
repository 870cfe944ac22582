import type { App } from '../app';
import { seededRandom } from '../insights/seeded-random';

const DAY_MS = 86_400_000;

/** How often a contact of each persona replied in the demo pilot, and the personalised message's lift. */
const BASE_REPLY: Record<string, number> = {
  ops_leader: 0.18,
  data_analyst: 0.12,
  marketing_ops: 0.1,
  support_lead: 0.08,
  developer: 0.06,
};
const PERSONALISED_LIFT = 1.8;

/**
 * Gives a first start a populated Insights tab: nightly snapshots to draw, one pilot (a personalised
 * message against a control, replies by persona) validated against the personas' hypotheses, and
 * one quarterly review. Runs once per data folder: a restart keeps what is there.
 */
export async function seedDemoInsights(app: App, portalId: number, now: number): Promise<{ seeded: boolean; pilotLines: number }> {
  const insights = app.services.insights;
  if ((await insights.listReports(portalId, { kind: 'validation', limit: 1 })).length > 0) return { seeded: false, pilotLines: 0 };

  const live = await app.services.ruleSets.live(portalId);
  for (const daysAgo of [60, 30, 1]) await app.stores.snapshots.take(portalId, live.ruleSet.unassigned.id, now - daysAgo * DAY_MS);

  const random = seededRandom(portalId);
  const lines = ['contact_id,variant,outcome,value'];
  for (let after: string | null = null; ;) {
    const ids = await app.stores.crm.listContactIds(portalId, after, 1000);
    if (ids.length === 0) break;
    const assignments = await app.stores.assignments.getMany(portalId, ids);
    for (const id of ids) {
      const persona = assignments.get(id)?.override?.persona ?? assignments.get(id)?.personaId;
      const base = persona ? BASE_REPLY[persona] : undefined;
      if (base === undefined || random() < 0.5) continue;
      const variant = random() < 0.5 ? 'control' : 'personalised';
      const replied = random() < base * (variant === 'personalised' ? PERSONALISED_LIFT : 1);
      lines.push(`${id},${variant},replied,${replied ? 1 : 0}`);
    }
    after = ids[ids.length - 1]!;
  }
  const imported = await insights.importPilot(portalId, 'demo-pilot-personalised-subject.csv', `${lines.join('\n')}\n`);
  if (imported.ok) await insights.validate(portalId);
  await insights.review(portalId, 'quarterly');
  return { seeded: true, pilotLines: lines.length - 1 };
}

import type { JourneyStage } from './rule-set-schema';

/** Case-insensitive lookup of a lifecycle stage; any value the map does not name is "awareness". */
export function compileJourney(journey: Readonly<Record<string, JourneyStage>>): (lifecycleStage: string | null) => JourneyStage {
  const stages = new Map<string, JourneyStage>();
  for (const [stage, journeyStage] of Object.entries(journey)) stages.set(stage.trim().toLowerCase(), journeyStage);
  return (lifecycleStage) => (lifecycleStage === null ? 'awareness' : (stages.get(lifecycleStage) ?? 'awareness'));
}

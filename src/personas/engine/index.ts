// The engine's public surface; other capabilities import from here.
export type {
  Assignment,
  AssignmentExplanation,
  DetailedEvaluation,
  FiredRule,
  NearestPersona,
  PersonaEvaluation,
  RuleEvaluation,
  RunnerUp,
} from './assignment';
export { initialsAvatarSvg } from './avatar';
export { type CompiledRuleSet, compileRuleSet } from './compile-rule-set';
export { operatorNames } from './operators';
export {
  type Condition,
  defaultJourney,
  type Hypothesis,
  type JourneyStage,
  journeyStages,
  type Persona,
  type PersonaKind,
  type PersonaProfile,
  type Rule,
  type RuleSet,
  type RuleSetInput,
} from './rule-set-schema';
export { formatJsonPath, formatRuleSetErrors, type RuleSetError, type RuleSetValidation, validateRuleSet } from './validate-rule-set';
export { DAY_MS, parseDateValue, parseNumberValue, presentValue } from './values';

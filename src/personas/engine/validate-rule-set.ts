import type { z } from 'zod';
import { type RuleSet, ruleSetSchema } from './rule-set-schema';

/** One problem in a rule set; `path` is a JSON path such as `personas[2].rules[0].when.matches` ('' = root). */
export interface RuleSetError {
  readonly path: string;
  readonly message: string;
}

export type RuleSetValidation = { ok: true; ruleSet: RuleSet } | { ok: false; errors: RuleSetError[] };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders a zod path the way a reader of the JSON would write it. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

function toErrors(issue: z.core.$ZodIssue): RuleSetError[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatJsonPath([...issue.path, key]), message: `unknown key "${key}"` }));
  }
  return [{ path: formatJsonPath(issue.path), message: issue.message }];
}

/**
 * Checks an untrusted rule set against docs/rule-language.md and reports every problem at once,
 * in document order of discovery. Never throws.
 */
export function validateRuleSet(input: unknown): RuleSetValidation {
  const result = ruleSetSchema.safeParse(input);
  if (result.success) return { ok: true, ruleSet: result.data };
  return { ok: false, errors: result.error.issues.flatMap(toErrors) };
}

/** Human text, one problem per line, for logs and the admin page. */
export function formatRuleSetErrors(errors: readonly RuleSetError[]): string {
  const head = errors.length === 1 ? 'The rule set has 1 problem:' : `The rule set has ${errors.length} problems:`;
  return [head, ...errors.map((error) => `- ${error.path === '' ? '(root)' : error.path}: ${error.message}`)].join('\n');
}

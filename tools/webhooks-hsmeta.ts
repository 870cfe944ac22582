import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileRuleSet, formatRuleSetErrors, validateRuleSet } from '../src/personas/engine';
import { buildWebhooksHsmeta, renderWebhooksHsmeta, type WebhooksHsmeta } from '../src/webhook-receiver/webhook-subscriptions';

/**
 * Regenerates `webhooks/webhooks-hsmeta.json` from a rule set, or checks that it is current:
 *   npx tsx tools/webhooks-hsmeta.ts [--check] [rule-set.json] [output.json]
 * Run it whenever the default rule set reads a new contact property.
 */

export const DEFAULT_RULE_SET_PATH = 'config/personas.json';
export const WEBHOOKS_HSMETA_PATH = 'webhooks/webhooks-hsmeta.json';

export function webhooksHsmetaForRuleSetFile(ruleSetPath: string): WebhooksHsmeta {
  const validation = validateRuleSet(JSON.parse(readFileSync(ruleSetPath, 'utf8')) as unknown);
  if (!validation.ok) throw new Error(formatRuleSetErrors(validation.errors));
  const compiled = compileRuleSet(validation.ruleSet);
  return buildWebhooksHsmeta({
    contactProperties: compiled.contactProperties,
    ticketProperties: compiled.ticketProperties,
    companyProperties: compiled.companyProperties,
    personaProperty: validation.ruleSet.property.name,
  });
}

function main(argv: readonly string[]): number {
  const { values, positionals } = parseArgs({ args: [...argv], options: { check: { type: 'boolean' } }, allowPositionals: true });
  const check = values.check ?? false;
  const [ruleSetPath = DEFAULT_RULE_SET_PATH, outputPath = WEBHOOKS_HSMETA_PATH] = positionals;
  const text = renderWebhooksHsmeta(webhooksHsmetaForRuleSetFile(ruleSetPath));
  if (check) {
    let current = '';
    try {
      current = readFileSync(outputPath, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current === text) return 0;
    process.stderr.write(`${outputPath} is out of date with ${ruleSetPath}; regenerate it without --check.\n`);
    return 1;
  }
  writeFileSync(outputPath, text);
  process.stdout.write(`wrote ${path.resolve(outputPath)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

/**
 * Persona engine throughput: the compiled engine against json-rules-engine on the same rules and
 * contacts, and 1,000,000 assignments with explanation against a 10 s ceiling.
 * Run: npx tsx test/bench/engine.bench.ts   (figures are ratios measured in the same run)
 */
import { Engine } from 'json-rules-engine';
import defaultRuleSetJson from '../../config/personas.json';
import type { ContactWithTickets, PropertyBag } from '../../src/crm/model';
import { compileRuleSet, type CompiledRuleSet } from '../../src/personas/engine/compile-rule-set';
import type { Condition, RuleSet } from '../../src/personas/engine/rule-set-schema';
import { formatRuleSetErrors, validateRuleSet } from '../../src/personas/engine/validate-rule-set';
import { referenceCondition, type ReferenceRelated } from '../support/personas-reference';
import { aPersona, aRuleSet } from '../support/rule-set-builders';

const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;
const POOL_SIZE = 100_000;
const JRE_SAMPLE = 2_000;
const MILLION = 1_000_000;
const CEILING_MS = 10_000;
const TARGET_RATIO = 100;
const NO_RELATED: ReferenceRelated = { tickets: [], surveys: [], company: null };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const maybe = (p: number) => random() < p;

const titles = [
  'Student',
  'Graduate Student',
  'Intern',
  'Job Seeker',
  'VP of Operations',
  'Head of Operations',
  'CFO',
  'Chief Operating Officer',
  'Director of Finance',
  'Senior Data Analyst',
  'Business Analyst',
  'BI Analyst',
  'Salesforce Administrator',
  'Marketing Operations Manager',
  'Demand Generation Manager',
  'Growth Marketer',
  'Content Marketing Lead',
  'Customer Support Manager',
  'Customer Success Lead',
  'Help Desk Supervisor',
  'Senior Software Engineer',
  'DevOps Engineer',
  'Solutions Architect',
  'CTO',
  'Founder & CEO',
  'Office Manager',
  'Sales Representative',
  'Account Executive',
  'Teacher',
  'Consultant',
  '  ',
  '',
];
const industries = [
  'COMPUTER_SOFTWARE',
  'FINANCIAL_SERVICES',
  'EDUCATION',
  'HOSPITAL_HEALTH_CARE',
  'RETAIL',
  'MARKETING_AND_ADVERTISING',
  'Manufacturing',
  '',
];
const sizes = ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'];
const sources = [
  'ORGANIC_SEARCH',
  'PAID_SEARCH',
  'EMAIL_MARKETING',
  'SOCIAL_MEDIA',
  'REFERRALS',
  'DIRECT_TRAFFIC',
  'PAID_SOCIAL',
  'OFFLINE',
];
const stages = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];
const domains = ['gmail.com', 'acme.com', 'example.org', 'bigcorp.io', 'yahoo.com', 'segmently.io', 'hospital.org'];
const countries = ['US', 'United Kingdom', 'Germany', 'France', 'India', 'Brazil', 'Japan', 'Canada'];
const interests = ['analytics', 'automation', 'api', 'reporting', 'billing', 'security', 'ai', 'integrations'];
const categories = ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY', 'ONBOARDING'];
const priorities = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];

function dateValue(maxAgeDays: number): string {
  const at = NOW - int(-5, maxAgeDays) * DAY - int(0, DAY);
  const roll = random();
  if (roll < 0.45) return new Date(at).toISOString();
  if (roll < 0.9) return String(at);
  if (roll < 0.97) return new Date(at).toISOString().slice(0, 10);
  return 'not a date';
}

function syntheticContact(): ContactWithTickets {
  const properties: Record<string, string | null> = {
    jobtitle: pick(titles),
    industry: pick(industries),
    numemployees: maybe(0.85) ? pick(sizes) : null,
    email: `user${int(1, 99999)}@${pick(domains)}`,
    hs_analytics_source: pick(sources),
    hs_analytics_num_page_views: String(int(0, 80)),
    hs_email_open: maybe(0.9) ? String(int(0, 25)) : null,
    hs_email_click: String(int(0, 8)),
    hs_email_delivered: String(int(0, 40)),
    num_conversion_events: String(int(0, 5)),
    hs_email_last_open_date: maybe(0.7) ? dateValue(120) : null,
    lifecyclestage: pick(stages),
    country: pick(countries),
    annualrevenue: maybe(0.6) ? String(int(10, 5000) * 1000) : '1,000,000',
    interests: [pick(interests), pick(interests), maybe(0.5) ? pick(interests) : ''].join(';'),
    hs_analytics_num_visits: String(int(0, 40)),
    createdate: dateValue(900),
  };
  const tickets = Array.from({ length: maybe(0.4) ? int(1, 6) : 0 }, () => ({
    properties: {
      hs_ticket_category: pick(categories),
      hs_ticket_priority: pick(priorities),
      createdate: dateValue(400),
      subject: pick(['Cannot log in', 'Invoice question', 'Export to CSV fails', 'How do I add users?', 'API rate limit']),
    } as PropertyBag,
  }));
  const company = maybe(0.8)
    ? {
        properties: {
          name: pick(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli']),
          industry: pick(industries),
          numberofemployees: maybe(0.9) ? String(pick([4, 18, 45, 120, 800, 5200, 40000])) : null,
          annualrevenue: maybe(0.8) ? String(int(1, 9000) * 100000) : null,
          lifecyclestage: pick(stages),
          country: pick(countries),
        } as PropertyBag,
      }
    : null;
  const surveys = Array.from({ length: maybe(0.5) ? int(1, 4) : 0 }, () => {
    const type = pick(['NPS', 'CSAT', 'CES']);
    return {
      properties: {
        hs_survey_type: type,
        hs_response_group: type === 'NPS' ? pick(['PROMOTER', 'PASSIVE', 'DETRACTOR']) : null,
        hs_value: String(type === 'NPS' ? int(0, 10) : int(1, 5)),
        hs_sentiment: pick(['POSITIVE', 'NEUTRAL', 'NEGATIVE']),
        hs_content: pick(['Great reporting', 'Too expensive', 'Support was slow', 'Love the API', '']),
        hs_createdate: dateValue(400),
      } as PropertyBag,
    };
  });
  return { properties, tickets, company, surveys };
}

/** 20 personas × 15 rules with nested all/any/not, regexes and ticket conditions. */
function largeRuleSet(): RuleSet {
  const r = mulberry32(7);
  const rp = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)];
  const ri = (low: number, high: number) => low + Math.floor(r() * (high - low + 1));
  const words = [
    'analyst',
    'engineer',
    'manager',
    'director',
    'student',
    'support',
    'marketing',
    'operations',
    'chief',
    'lead',
    'senior',
    'admin',
  ];
  const leaf = (): Condition => {
    switch (ri(0, 13)) {
      case 0:
        return { property: 'industry', eq: rp(industries.slice(0, 6)) };
      case 1:
        return { property: 'numemployees', in: [rp(sizes), rp(sizes), rp(sizes)] };
      case 2:
        return { property: 'hs_analytics_source', notIn: [rp(sources), rp(sources)] };
      case 3:
        return { property: 'jobtitle', contains: rp(words) };
      case 4:
        return { property: 'jobtitle', matches: `\\b(${rp(words)}|${rp(words)})\\b` };
      case 5:
        return { property: 'email', endsWith: `@${rp(domains)}` };
      case 6:
        return { property: 'hs_analytics_num_page_views', gte: ri(5, 60) };
      case 7:
        return { property: 'hs_email_open', lt: ri(1, 10) };
      case 8:
        return { property: 'annualrevenue', between: [ri(10, 500) * 1000, ri(600, 5000) * 1000] };
      case 9:
        return { property: 'hs_email_last_open_date', withinDays: ri(7, 90) };
      case 10:
        return { property: 'createdate', olderThanDays: ri(30, 600) };
      case 11:
        return { property: 'interests', hasAny: [rp(interests), rp(interests)] };
      case 12:
        return { property: 'country', startsWith: rp(countries).slice(0, 3) };
      default:
        return { property: 'numemployees', exists: r() < 0.8 };
    }
  };
  const tree = (depth: number): Condition => {
    const roll = r();
    if (depth === 0 || roll < 0.35) return leaf();
    if (roll < 0.6) return { all: [tree(depth - 1), tree(depth - 1), leaf()] };
    if (roll < 0.85) return { any: [tree(depth - 1), leaf(), leaf()] };
    return { not: tree(depth - 1) };
  };
  const tickets = (): Condition => ({
    tickets: {
      where:
        r() < 0.5
          ? { property: 'hs_ticket_category', in: [rp(categories), rp(categories)] }
          : {
              any: [
                { property: 'hs_ticket_priority', eq: rp(priorities) },
                { property: 'subject', matches: rp(['login|password', 'invoice|billing', 'api|rate']) },
              ],
            },
      withinDays: ri(30, 365),
      count: rp([{ gte: 1 }, { gte: 2 }, { between: [1, 3] as [number, number] }, { eq: 0 }]),
    },
  });
  const personas = personaBodies(r, tree, tickets);
  return aRuleSet(personas);
}

/** The large set with every third tree rule turned into a company condition and every ticket rule into a surveys one half the time. */
function largeAccountRuleSet(): RuleSet {
  const r = mulberry32(11);
  const rp = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)];
  const ri = (low: number, high: number) => low + Math.floor(r() * (high - low + 1));
  const companyLeaf = (): Condition => {
    switch (ri(0, 5)) {
      case 0:
        return { property: 'industry', in: [rp(industries.slice(0, 6)), rp(industries.slice(0, 6))] };
      case 1:
        return { property: 'numberofemployees', gte: rp([50, 200, 1000, 5000]) };
      case 2:
        return { property: 'annualrevenue', between: [ri(1, 100) * 100000, ri(200, 9000) * 100000] };
      case 3:
        return { property: 'lifecyclestage', eq: rp(stages) };
      case 4:
        return { property: 'country', matches: `^(${rp(countries)}|${rp(countries)})$` };
      default:
        return { property: 'numberofemployees', exists: true };
    }
  };
  const companyTree = (): Condition => {
    const roll = r();
    if (roll < 0.4) return { company: companyLeaf() };
    if (roll < 0.7) return { company: { all: [companyLeaf(), { not: companyLeaf() }] } };
    if (roll < 0.85) return { company: { any: [companyLeaf(), companyLeaf()] } };
    return { not: { company: companyLeaf() } };
  };
  const surveys = (): Condition => ({
    surveys: {
      where:
        r() < 0.5
          ? {
              all: [
                { property: 'hs_survey_type', eq: 'NPS' },
                { property: 'hs_value', lte: ri(3, 7) },
              ],
            }
          : {
              any: [
                { property: 'hs_sentiment', eq: rp(['POSITIVE', 'NEGATIVE']) },
                { property: 'hs_content', matches: rp(['expensive|price', 'slow|support', 'api|report']) },
              ],
            },
      withinDays: ri(30, 365),
      count: rp([{ gte: 1 }, { gte: 2 }, { eq: 0 }]),
    },
  });
  const base = largeRuleSet();
  return aRuleSet(
    base.personas.map((persona) => ({
      ...persona,
      rules: persona.rules.map((rule, i) =>
        i % 3 === 1 ? { ...rule, when: companyTree() } : i % 5 === 4 && i % 2 === 0 ? { ...rule, when: surveys() } : rule,
      ),
    })),
  );
}

function personaBodies(r: () => number, tree: (depth: number) => Condition, tickets: () => Condition) {
  const ri = (low: number, high: number) => low + Math.floor(r() * (high - low + 1));
  return Array.from({ length: 20 }, (_, p) =>
    aPersona({
      id: `persona_${p}`,
      kind: p === 19 ? 'negative' : p % 4 === 0 ? 'buyer' : 'customer',
      priority: ri(0, 3),
      threshold: ri(40, 110),
      rules: Array.from({ length: 15 }, (_, i) => ({ label: `rule ${i}`, points: ri(-10, 30), when: i % 5 === 4 ? tickets() : tree(3) })),
    }),
  );
}

function validated(input: unknown, name: string): RuleSet {
  const result = validateRuleSet(input);
  if (!result.ok) throw new Error(`${name} rule set is invalid:\n${formatRuleSetErrors(result.errors)}`);
  return result.ruleSet;
}

// json-rules-engine gets one custom operator per operator of ours, with the spec's semantics.
function toEngineCondition(condition: Condition): Record<string, unknown> {
  if ('all' in condition) return { all: condition.all.map(toEngineCondition) };
  if ('any' in condition) return { any: condition.any.map(toEngineCondition) };
  if ('not' in condition) return { not: toEngineCondition(condition.not) };
  if ('tickets' in condition) return { fact: '__tickets', operator: 'ours_related', value: condition };
  if ('surveys' in condition) return { fact: '__surveys', operator: 'ours_related', value: condition };
  if ('company' in condition) return { fact: '__company', operator: 'ours_related', value: condition };
  const [operator, value] = Object.entries(condition).find(([key]) => key !== 'property')!;
  return { fact: condition.property, operator: `ours_${operator}`, value: { ...condition, [operator]: value } };
}

function buildEngine(ruleSet: RuleSet): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  const operators = [
    'eq',
    'neq',
    'in',
    'notIn',
    'contains',
    'startsWith',
    'endsWith',
    'matches',
    'gt',
    'gte',
    'lt',
    'lte',
    'between',
    'exists',
    'withinDays',
    'olderThanDays',
    'hasAny',
  ];
  for (const op of operators) {
    engine.addOperator(`ours_${op}`, (factValue: unknown, condition: Condition & { property: string }) =>
      referenceCondition(condition, { [condition.property]: factValue as string | null | undefined }, NO_RELATED, NOW),
    );
  }
  // One fact per related-record kind; the operator reads the one its condition needs.
  engine.addOperator('ours_related', (related: ReferenceRelated, condition: Condition) => referenceCondition(condition, {}, related, NOW));
  ruleSet.personas.forEach((persona) =>
    persona.rules.forEach((rule, index) =>
      engine.addRule({
        name: `${persona.id}#${index}`,
        conditions: { all: [toEngineCondition(rule.when)] } as never,
        event: { type: 'fired', params: { persona: persona.id, points: rule.points } },
      }),
    ),
  );
  return engine;
}

async function engineScores(engine: Engine, contact: ContactWithTickets): Promise<Map<string, number>> {
  const related: ReferenceRelated = {
    tickets: contact.tickets.map((t) => t.properties),
    surveys: (contact.surveys ?? []).map((survey) => survey.properties),
    company: contact.company ? contact.company.properties : null,
  };
  const { events } = await engine.run({ ...contact.properties, __tickets: related, __surveys: related, __company: related });
  const scores = new Map<string, number>();
  for (const event of events) {
    const { persona, points } = event.params as { persona: string; points: number };
    scores.set(persona, (scores.get(persona) ?? 0) + points);
  }
  return scores;
}

/**
 * CPU time of this process in ms. The engine is single-threaded, so this is "time on one core", and
 * it is far less disturbed than wall time when other work shares the machine.
 */
function cpuMs(since?: NodeJS.CpuUsage): number {
  const usage = process.cpuUsage(since);
  return (usage.user + usage.system) / 1000;
}

function timeCompiled(compiled: CompiledRuleSet, pool: readonly ContactWithTickets[], passes: number): number {
  let sink = 0;
  for (const contact of pool) sink += compiled.assign(contact, NOW).score; // warm-up
  const times: number[] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    const start = process.cpuUsage();
    for (let i = 0; i < pool.length; i += 1) sink += compiled.assign(pool[i], NOW).score;
    times.push(cpuMs(start));
  }
  if (Number.isNaN(sink)) throw new Error('unreachable');
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function timeEngine(engine: Engine, sample: readonly ContactWithTickets[]): Promise<number> {
  for (const contact of sample.slice(0, 200)) await engineScores(engine, contact); // warm-up
  const start = process.cpuUsage();
  for (const contact of sample) await engineScores(engine, contact);
  return cpuMs(start);
}

async function agreement(engine: Engine, compiled: CompiledRuleSet, sample: readonly ContactWithTickets[]): Promise<number> {
  let agree = 0;
  for (const contact of sample) {
    const theirs = await engineScores(engine, contact);
    const ours = compiled.explainAll(contact, NOW).personas;
    if (ours.every((p) => p.score === (theirs.get(p.personaId) ?? 0))) agree += 1;
  }
  return agree;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pad = (text: string, width: number) => text.padEnd(width);
const padStart = (text: string, width: number) => text.padStart(width);

async function main(): Promise<void> {
  const pool = Array.from({ length: POOL_SIZE }, syntheticContact);
  const sample = pool.slice(0, JRE_SAMPLE);
  const ticketsTotal = pool.reduce((sum, c) => sum + c.tickets.length, 0);
  const surveysTotal = pool.reduce((sum, c) => sum + (c.surveys?.length ?? 0), 0);
  const sets = [
    { name: 'default (config/personas.json)', ruleSet: validated(defaultRuleSetJson, 'default') },
    { name: 'large generated (20 x 15)', ruleSet: validated(largeRuleSet(), 'large') },
    { name: 'large + company/surveys (20 x 15)', ruleSet: validated(largeAccountRuleSet(), 'large account') },
  ];

  process.stdout.write(
    `Persona engine benchmark: Node ${process.version}, ${fmt(POOL_SIZE)} seeded contacts (${fmt(ticketsTotal)} tickets, ${fmt(surveysTotal)} survey responses, 80% with a company), clock fixed\n\n`,
  );
  const header = `${pad('rule set', 32)}${padStart('rules', 7)}${padStart('compiled/s', 13)}${padStart('json-rules-engine/s', 21)}${padStart('ratio', 9)}${padStart('target', 9)}  agreement`;
  process.stdout.write(`${header}\n${'-'.repeat(header.length + 6)}\n`);
  const compiledSets: { name: string; compiled: CompiledRuleSet }[] = [];
  for (const { name, ruleSet } of sets) {
    const compiled = compileRuleSet(ruleSet);
    compiledSets.push({ name, compiled });
    const ms = timeCompiled(compiled, pool, 3);
    const ours = (POOL_SIZE / ms) * 1000;
    const engine = buildEngine(ruleSet);
    const engineMs = await timeEngine(engine, sample);
    const theirs = (JRE_SAMPLE / engineMs) * 1000;
    const agreed = await agreement(engine, compiled, sample.slice(0, 500));
    const ratio = ours / theirs;
    const rules = ruleSet.personas.reduce((sum, p) => sum + p.rules.length, 0);
    const target = name.startsWith('large') ? `${ratio >= TARGET_RATIO ? 'met' : 'MISSED'} ${TARGET_RATIO}x` : '-';
    process.stdout.write(
      `${pad(name, 32)}${padStart(String(rules), 7)}${padStart(fmt(ours), 13)}${padStart(`${fmt(theirs)} (n=${fmt(JRE_SAMPLE)})`, 21)}${padStart(`${ratio.toFixed(0)}x`, 9)}${padStart(target, 9)}  ${agreed}/500 same scores\n`,
    );
  }

  const [{ name, compiled }] = compiledSets;
  process.stdout.write(`\n1,000,000 assignments with explanation, ${name}, cycling the ${fmt(POOL_SIZE)}-contact pool:\n`);
  let sink = 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < MILLION; i += 1) sink += compiled.assign(pool[i % POOL_SIZE], NOW).explanation.firedRules.length;
  const cpu = cpuMs(cpuStart);
  const wall = performance.now() - wallStart;
  if (Number.isNaN(sink)) throw new Error('unreachable');
  const verdict = cpu <= CEILING_MS ? 'within the ceiling' : 'OVER THE CEILING';
  process.stdout.write(
    `  CPU time on one core ${(cpu / 1000).toFixed(2)} s (wall ${(wall / 1000).toFixed(2)} s) against a ${CEILING_MS / 1000} s ceiling: ` +
      `${((cpu / CEILING_MS) * 100).toFixed(0)}% of it, ${(CEILING_MS / cpu).toFixed(1)}x headroom, ${verdict}\n`,
  );
  process.stdout.write(
    `  (throughput columns above are per second of CPU time; json-rules-engine is timed on the first ${fmt(JRE_SAMPLE)} contacts,\n   and "agreement" compares every persona score of both engines on 500 contacts)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});

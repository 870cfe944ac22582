import { RE2JS } from 're2js';

/**
 * The `matches` operator's expressions, in RE2 syntax (docs/rule-language.md): a rule set is
 * written by an admin, so a pattern such as `(a+)+$` must not be able to stall the event loop that
 * every portal shares. RE2 matches in time linear in the value's length, and has no backreferences
 * or lookaround, so those are refused when the rule set is validated instead of running slowly.
 *
 * re2js (a pure JavaScript port) over the native bindings: nothing to compile at install time, no
 * platform binary, and on the short values a CRM holds it runs within a few times of V8's RegExp
 * (test/bench/engine.bench.ts measures it).
 */
export interface Re2Pattern {
  /** Whether the expression matches anywhere in `text`, ignoring case. */
  test(text: string): boolean;
}

/**
 * A ceiling on the compiled program (RE2 instructions). Linear time is instructions x characters:
 * when a pattern's automaton outgrows its cache (`[ab]*a[ab]{20}c` on random text) RE2 falls back
 * to simulating every instruction per character, so the program size is what bounds one
 * evaluation of a long value. The default rule set's largest expression compiles to about 110;
 * a longer word list still fits as several expressions under `any`.
 */
export const MAX_PATTERN_INSTRUCTIONS = 500;

function compile(source: string) {
  return RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
}

/** Why `source` is not an RE2 expression the engine accepts, or null when it is. */
export function re2SyntaxProblem(source: string): string | null {
  try {
    const size = compile(source).matcher('').programSize();
    if (size > MAX_PATTERN_INSTRUCTIONS) {
      return `the regular expression is too complex (${size} RE2 instructions, at most ${MAX_PATTERN_INSTRUCTIONS}); use fewer or smaller repetitions, or split it into several conditions under "any"`;
    }
    return null;
  } catch (error) {
    // re2js prefixes "error parsing regexp: "; what follows names the construct RE2 refuses.
    const detail = (error as Error).message.replace(/^error parsing regexp:\s*/, '');
    return `not a regular expression in RE2 syntax (no backreferences or lookaround): ${detail}`;
  }
}

/** Values longer than this are matched every time: long free text rarely repeats. */
const MEMO_MAX_TEXT = 128;
/**
 * Remembered answers per expression; the memo starts over when full, so memory stays bounded: about
 * 512 x 128 characters at most per expression, tens of kilobytes, even on a field whose values never repeat.
 */
const MEMO_MAX_ENTRIES = 512;

/**
 * Compiles an expression that passed re2SyntaxProblem(); one instance serves every contact.
 * The values `matches` reads (job titles, countries, industries, ticket categories) repeat across a
 * portal's contacts, and RE2 in JavaScript costs several times V8's RegExp, so each expression
 * remembers its answers for short values: the answer is a pure function of the text.
 */
export function compileRe2Pattern(source: string): Re2Pattern {
  const pattern = compile(source);
  const memo = new Map<string, boolean>();
  return {
    test: (text) => {
      if (text.length > MEMO_MAX_TEXT) return pattern.test(text);
      const known = memo.get(text);
      if (known !== undefined) return known;
      const answer = pattern.test(text);
      if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
      memo.set(text, answer);
      return answer;
    },
  };
}

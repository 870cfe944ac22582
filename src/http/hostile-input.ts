import type { RequestHandler } from 'express';
import { AppError } from '../platform/errors';

/**
 * Limits every request body, query and path must respect before any route sees it:
 * - nesting depth: schema validation, JSON serialisation and storage all recurse, so a body nested
 *   thousands deep overflows the stack; the deepest legitimate document (a rule set with nested
 *   conditions) stays far below this;
 * - U+0000: PostgreSQL text and jsonb cannot hold it, and no identifier, note or search needs it.
 */
export const MAX_JSON_DEPTH = 64;

export type HostileProblem = { readonly kind: 'depth' | 'nul'; readonly path: string };

const NUL = '\u0000';

function childPath(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : parent === '' ? key : `${parent}.${key}`;
}

/**
 * The first place `value` nests deeper than `maxDepth` or holds U+0000 (in a string or a key).
 * Iterative, so the check itself cannot overflow the stack on the input it exists to refuse.
 */
export function findHostileValue(value: unknown, options: { maxDepth?: number; ignoreNul?: boolean } = {}): HostileProblem | null {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const checkNul = options.ignoreNul !== true;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      if (checkNul && item.value.includes(NUL)) return { kind: 'nul', path: item.path };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= maxDepth) return { kind: 'depth', path: item.path };
    if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--)
        stack.push({ value: item.value[i], path: childPath(item.path, i), depth: item.depth + 1 });
    } else {
      const keys = Object.keys(item.value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const path = childPath(item.path, key);
        if (checkNul && key.includes(NUL)) return { kind: 'nul', path };
        stack.push({ value: (item.value as Record<string, unknown>)[key], path, depth: item.depth + 1 });
      }
    }
  }
  return null;
}

export function hostileInputError(problem: HostileProblem, where: string): AppError {
  const at = problem.path === '' ? where : `${where} at ${problem.path}`;
  return problem.kind === 'depth'
    ? new AppError('bad_request', `The ${at} is nested more than ${MAX_JSON_DEPTH} levels deep`, {
        details: [{ path: problem.path, message: `nested more than ${MAX_JSON_DEPTH} levels deep` }],
      })
    : new AppError('bad_request', `The ${at} contains a NUL character (U+0000), which is never valid here`, {
        details: [{ path: problem.path, message: 'contains a NUL character (U+0000)' }],
      });
}

/** A copy of `value` (already checked for depth) with U+0000 removed from every string and key. */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes(NUL) ? value.replaceAll(NUL, '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // defineProperty: a "__proto__" key stays a plain own property, as JSON.parse made it.
    Object.defineProperty(out, key.replaceAll(NUL, ''), { value: withoutNul(child), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const ENCODED_NUL = /%00/i;

/**
 * Refuses, with a 400 naming the place, a path, query or parsed body that is nested too deep or
 * holds U+0000. Runs after the body parsers and before any route.
 */
export const rejectHostileInput: RequestHandler = function rejectHostileInput(req, _res, next) {
  const pathPart = req.originalUrl.split('?')[0];
  if (pathPart.includes(NUL) || ENCODED_NUL.test(pathPart)) {
    next(hostileInputError({ kind: 'nul', path: '' }, 'request path'));
    return;
  }
  const inQuery = findHostileValue(req.query);
  if (inQuery) {
    next(hostileInputError(inQuery, 'query string'));
    return;
  }
  if (req.body !== undefined && !Buffer.isBuffer(req.body)) {
    const inBody = findHostileValue(req.body);
    if (inBody) {
      next(hostileInputError(inBody, 'request body'));
      return;
    }
  }
  next();
};

import type { z } from 'zod';
import { AppError } from '../platform/errors';

/** Parses untrusted input or throws a validation error naming every problem with its path. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError('validation_failed', `Invalid ${what}`, {
    details: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

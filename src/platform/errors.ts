import { randomUUID } from 'node:crypto';

/** The closed set of error codes; the HTTP status of each lives in one table. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  upstream_failed: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  readonly path?: string;
  readonly message: string;
}

export class AppError extends Error {
  readonly id = randomUUID();
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(code: ErrorCode, message: string, options: { details?: readonly ErrorDetail[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? [];
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON(): { error: { id: string; code: ErrorCode; message: string; details?: readonly ErrorDetail[] } } {
    return { error: { id: this.id, code: this.code, message: this.message, ...(this.details.length ? { details: this.details } : {}) } };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

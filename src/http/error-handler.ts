import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';

/** Turns anything thrown into `AppError` JSON with an error id that also appears in the log line. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError('validation_failed', 'The request is not valid', {
      details: err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  const bodyParserType = (err as { type?: string } | null)?.type;
  if (bodyParserType === 'entity.too.large') return new AppError('payload_too_large', 'The request body is too large', { cause: err });
  if (bodyParserType === 'entity.parse.failed') return new AppError('bad_request', 'The request body is not valid JSON', { cause: err });
  if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported')
    return new AppError('bad_request', 'Unsupported body encoding', { cause: err });
  const clientStatus = clientErrorStatusOf(err);
  if (clientStatus === 413) return new AppError('payload_too_large', 'The request body is too large', { cause: err });
  if (clientStatus !== null) return new AppError('bad_request', clientErrorMessage(err), { cause: err });
  return new AppError('internal', 'Something went wrong on our side', { cause: err });
}

/**
 * The 4xx status Express and its parsers attach to what they throw for a malformed request (a body
 * that says gzip but is not, a path segment that is not valid percent-encoding), or null.
 */
function clientErrorStatusOf(err: unknown): number | null {
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

function clientErrorMessage(err: unknown): string {
  if (err instanceof URIError) return 'The request path holds a malformed percent-encoding';
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) return 'The request body does not match its Content-Encoding';
  return 'The request is malformed';
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return function errorHandler(err, req, res, _next) {
    const appError = toAppError(err);
    // req.log (pino-http) carries the request id; the err serializer keeps the stack.
    const log = (req as { log?: Logger }).log ?? logger;
    const entry = { errorId: appError.id, code: appError.code, method: req.method, path: req.path };
    if (appError.status >= 500) log.error({ ...entry, err: appError.cause ?? appError }, appError.message);
    else log.warn(entry, appError.message);
    if (res.headersSent) return;
    res.status(appError.status).json(appError.toJSON());
  };
}

export const notFoundHandler: RequestHandler = function notFound(req, _res, next) {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
};

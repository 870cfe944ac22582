import type { Request } from 'express';

/** The exact bytes a client sent, kept by the body parsers: signatures are computed over them. */
export function rawBodyOf(req: Request): string {
  return (req as Request & { rawBody?: string }).rawBody ?? '';
}

export function keepRawBody(req: unknown, _res: unknown, buf: Buffer): void {
  (req as { rawBody?: string }).rawBody = buf.toString('utf8');
}

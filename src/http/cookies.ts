import { parse } from 'cookie';
import type { Request } from 'express';

/** One cookie of the request, decoded; null when absent or undecodable. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.header('cookie');
  if (!header) return null;
  return parse(header)[name] ?? null;
}

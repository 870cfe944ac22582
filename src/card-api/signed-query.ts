import type { Request } from 'express';
import { AppError } from '../platform/errors';

/**
 * Reads an identifier from the query of a request whose full URL was covered by a HubSpot signature.
 * A name that appears more than once (HubSpot may append its own portalId) must agree everywhere,
 * otherwise a caller could slip a second, different value past whoever reads the first one.
 */
export function signedQueryId(req: Request, name: string, pattern: RegExp): string {
  const raw = req.query[name];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => (typeof v === 'string' ? v.trim() : ''));
  if (values.length === 0 || values.some((v) => v === '')) throw new AppError('bad_request', `Query parameter ${name} is required`);
  if (new Set(values).size > 1) throw new AppError('forbidden', `Query parameter ${name} is given with conflicting values`);
  const value = values[0];
  if (!pattern.test(value)) throw new AppError('bad_request', `Query parameter ${name} is not valid`);
  return value;
}

export const PORTAL_ID_PATTERN = /^[1-9]\d{0,15}$/;
export const OBJECT_ID_PATTERN = /^[1-9]\d{0,19}$/;

/** The portal and contact a card request is about, read only from the signed URL. */
export function cardTarget(req: Request): { portalId: number; contactId: string } {
  return {
    portalId: Number(signedQueryId(req, 'portalId', PORTAL_ID_PATTERN)),
    contactId: signedQueryId(req, 'contactId', OBJECT_ID_PATTERN),
  };
}

/** The portal and company a company card request is about, read only from the signed URL. */
export function companyCardTarget(req: Request): { portalId: number; companyId: string } {
  return {
    portalId: Number(signedQueryId(req, 'portalId', PORTAL_ID_PATTERN)),
    companyId: signedQueryId(req, 'companyId', OBJECT_ID_PATTERN),
  };
}

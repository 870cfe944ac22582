import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/** HubSpot's error body: `{status:'error', message, correlationId, category, ...}`. */
export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  [extra: string]: unknown;
}

export function errorBody(category: string, message: string, extra: Record<string, unknown> = {}): HubSpotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export function sendError(res: Response, httpStatus: number, category: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(httpStatus).json(errorBody(category, message, extra));
}

export const AUTH_MISSING_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export function sendValidationError(res: Response, message: string, extra: Record<string, unknown> = {}): void {
  sendError(res, 400, 'VALIDATION_ERROR', message, extra);
}

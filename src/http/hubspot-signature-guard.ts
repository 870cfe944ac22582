import type { Request, RequestHandler } from 'express';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import { verifyV3 } from '../platform/hubspot-signature';
import { rawBodyOf } from './raw-body';

export interface SignatureGuardOptions {
  readonly clientSecret: string;
  /** The app's public base URL: HubSpot signs the URL it called, not the one we see behind a proxy. */
  readonly appBaseUrl: string;
  readonly clock: Clock;
}

export function publicUrlOf(req: Request, appBaseUrl: string): string {
  return `${appBaseUrl}${req.originalUrl}`;
}

/** Refuses any request that is not signed by HubSpot with our client secret (v3, 5-minute window). */
export function requireHubSpotSignature(options: SignatureGuardOptions): RequestHandler {
  return function hubspotSignature(req, _res, next) {
    const check = verifyV3({
      request: { method: req.method, url: publicUrlOf(req, options.appBaseUrl), body: rawBodyOf(req) },
      clientSecret: options.clientSecret,
      signature: req.header('x-hubspot-signature-v3') ?? undefined,
      timestamp: req.header('x-hubspot-request-timestamp') ?? undefined,
      nowMs: options.clock.now(),
    });
    if (!check.ok) {
      next(new AppError('unauthorized', `HubSpot signature rejected: ${check.reason}`));
      return;
    }
    next();
  };
}

import type { Request, RequestHandler } from 'express';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import { verifyV2, verifyV3, type SignatureCheck } from '../platform/hubspot-signature';
import { rawBodyOf } from './raw-body';

export interface SignatureGuardOptions {
  readonly clientSecret: string;
  /** The app's public base URL: HubSpot signs the URL it called, not the one we see behind a proxy. */
  readonly appBaseUrl: string;
  readonly clock: Clock;
  /**
   * Also accept a v2 signature when no v3 headers are present. HubSpot's custom-action guide
   * says workflow actions are signed v2; where v3 headers come, they are checked and must pass.
   */
  readonly acceptV2?: boolean;
}

export function publicUrlOf(req: Request, appBaseUrl: string): string {
  return `${appBaseUrl}${req.originalUrl}`;
}

/** Refuses any request that is not signed by HubSpot with our client secret (v3, 5-minute window; v2 where allowed). */
export function requireHubSpotSignature(options: SignatureGuardOptions): RequestHandler {
  return function hubspotSignature(req, _res, next) {
    const request = { method: req.method, url: publicUrlOf(req, options.appBaseUrl), body: rawBodyOf(req) };
    const v3Signature = req.header('x-hubspot-signature-v3') ?? undefined;
    const v3Timestamp = req.header('x-hubspot-request-timestamp') ?? undefined;
    let check: SignatureCheck;
    if (options.acceptV2 && v3Signature === undefined && v3Timestamp === undefined) {
      check = verifyV2({
        request,
        clientSecret: options.clientSecret,
        signature: req.header('x-hubspot-signature') ?? undefined,
        version: req.header('x-hubspot-signature-version') ?? undefined,
      });
    } else {
      check = verifyV3({
        request,
        clientSecret: options.clientSecret,
        signature: v3Signature,
        timestamp: v3Timestamp,
        nowMs: options.clock.now(),
      });
    }
    if (!check.ok) {
      next(new AppError('unauthorized', `HubSpot signature rejected: ${check.reason}`));
      return;
    }
    next();
  };
}

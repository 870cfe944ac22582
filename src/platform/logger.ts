import pino from 'pino';
import type { LogLevel } from './config';

export type Logger = pino.Logger;

/** Paths whose values never reach a log line: tokens, secrets, cookies and authorization headers. */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-hubspot-signature"]', 'req.headers["x-hubspot-signature-v3"]',
  'headers.authorization', 'headers.cookie', 'authorization', 'cookie',
  '*.accessToken', '*.refreshToken', '*.access_token', '*.refresh_token', '*.clientSecret', '*.client_secret', '*.code',
  'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'clientSecret', 'client_secret', 'token', '*.token',
  'encryptionKey', '*.encryptionKey', 'adminToken', '*.adminToken', 'password', '*.password',
];

export function createLogger(options: { level: LogLevel; destination?: pino.DestinationStream; name?: string }): Logger {
  return pino(
    { level: options.level, name: options.name ?? 'personas', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    options.destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });

import pino from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config';

export type Logger = pino.Logger;

/** Paths whose values never reach a log line: tokens, secrets, cookies and authorization headers. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'cookie',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.code',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'token',
  '*.token',
  'encryptionKey',
  '*.encryptionKey',
  'adminToken',
  '*.adminToken',
  'password',
  '*.password',
];

/**
 * `json` (production, anything a log collector reads): one JSON object per line. `pretty` (the
 * demo, read by a person): one readable line per entry, same redaction, written synchronously.
 */
export type LogFormat = 'json' | 'pretty';

export function createLogger(options: {
  level: LogLevel;
  destination?: pino.DestinationStream;
  name?: string;
  format?: LogFormat;
}): Logger {
  const destination =
    options.format === 'pretty'
      ? pretty({
          destination: options.destination ?? 1,
          sync: true,
          colorize: options.destination === undefined && process.stdout.isTTY,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname,name',
          singleLine: true,
        })
      : options.destination;
  return pino(
    { level: options.level, name: options.name ?? 'personas', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });

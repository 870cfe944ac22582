import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only module that reads the environment. Parsed once at start; every problem is reported
 * at once, by variable name, and start-up stops. Nothing else in the code base may touch
 * `process.env` (enforced by lint).
 */

/** What one process does: everything (the embedded default), HTTP only, or background work only. */
export const APP_ROLES = ['all', 'web', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An unset variable and one set to blanks mean the same: not given. */
const blankAsUndefined = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional());
const optionalString = blankAsUndefined(z.string());

const urlString = (name: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return u.protocol === 'http:' || u.protocol === 'https:';
        } catch {
          return false;
        }
      },
      { message: `${name} must be an absolute http(s) URL` },
    )
    .transform((v) => v.replace(/\/+$/, ''));

const cronExpression = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4,5}\S+$/, { message: 'must be a cron expression of 5 or 6 fields' });

const envSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int().min(0).max(65535).default(3000),
  APP_BASE_URL: blankAsUndefined(urlString('APP_BASE_URL')),
  HUBSPOT_CLIENT_ID: optionalString,
  HUBSPOT_CLIENT_SECRET: optionalString,
  HUBSPOT_APP_ID: blankAsUndefined(z.coerce.number().int().positive()),
  HUBSPOT_API_BASE_URL: urlString('HUBSPOT_API_BASE_URL').default('https://api.hubapi.com'),
  HUBSPOT_AUTH_BASE_URL: urlString('HUBSPOT_AUTH_BASE_URL').default('https://app.hubspot.com'),
  DATABASE_URL: z
    .string()
    .trim()
    .default('sqlite:./data/personas.db')
    .refine((v) => v.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(v), { message: 'must be sqlite:<path> or postgres://…' }),
  DATABASE_SCHEMA: blankAsUndefined(
    z
      .string()
      .trim()
      .regex(/^[a-z_][a-z0-9_]{0,40}$/, { message: 'must be a lower-case SQL identifier of at most 41 characters' }),
  ),
  PERSONAS_CONFIG: z.string().trim().default('config/personas.json'),
  ENCRYPTION_KEY: optionalString,
  ADMIN_TOKEN: blankAsUndefined(z.string().min(16, { message: 'must be at least 16 characters' })),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATA_DIR: z.string().trim().default('./data'),
  SYNC_CRON: cronExpression.default('*/15 * * * *'),
  RECONCILE_CRON: cronExpression.default('30 2 * * *'),
  RESCORE_CRON: cronExpression.default('0 3 * * *'),
  REVIEW_CRON: cronExpression.default('0 6 1 1,4,7,10 *'),
  JOBS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  SANDBOX_PORT: z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int().min(0).max(65535).default(3001),
  SANDBOX_CONTACTS: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  HUBSPOT_RATE_LIMIT_PER_10S: z.coerce.number().int().min(1).max(1000).default(105),
  HUBSPOT_SEARCH_PER_SECOND: z.coerce.number().int().min(1).max(50).default(4),
  HUBSPOT_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  REDIS_URL: blankAsUndefined(
    z
      .string()
      .trim()
      .regex(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' }),
  ),
  // Production never falls back to the built-in sandbox portal: missing credentials are an error.
  NODE_ENV: optionalString,
  APP_ROLE: z.enum(APP_ROLES, { error: 'must be one of all, web, worker' }).default('all'),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(64),
  SYNC_SLICE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  JOB_EXPIRE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  readonly port: number;
  readonly appBaseUrl: string;
  readonly mode: 'hubspot' | 'sandbox';
  readonly hubspot: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly appId: number;
    readonly apiBaseUrl: string;
    readonly authBaseUrl: string;
    readonly ratePer10s: number;
    readonly searchPerSecond: number;
    /** A HubSpot request unanswered this long is given up and retried (and its shared limiter slot freed). */
    readonly requestTimeoutMs: number;
  };
  /** Shares each portal's HubSpot rate budget between processes; unset, each process keeps its own. */
  readonly redisUrl: string | undefined;
  readonly databaseUrl: string;
  /** PostgreSQL only: the schema that holds the app's tables (default: the search path's); jobs live in `<schema>_jobs`. */
  readonly databaseSchema: string | undefined;
  readonly personasConfigPath: string;
  readonly encryptionKey: Buffer;
  readonly adminToken: string | undefined;
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  readonly role: AppRole;
  /**
   * The job engine's knobs (PostgreSQL only): portal jobs run at once per worker process (they mostly
   * wait on HubSpot's rate limit), how long a full-sync slice runs before yielding to other portals,
   * after how long a job whose worker died is handed out again, and how often that is checked.
   */
  readonly scale: {
    readonly concurrency: number;
    readonly syncSliceMs: number;
    readonly jobExpireSeconds: number;
    readonly maintenanceSeconds: number;
  };
  readonly jobs: {
    readonly enabled: boolean;
    readonly syncCron: string;
    readonly reconcileCron: string;
    readonly rescoreCron: string;
    readonly reviewCron: string;
  };
  readonly sandbox: { readonly port: number; readonly contacts: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Fixed credentials of the built-in sandbox portal's app: it only ever runs on loopback. */
export const SANDBOX_APP = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', appId: 424242 } as const;

export function parseEncryptionKey(raw: string): Buffer | null {
  const hex = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : null;
  if (hex) return hex;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) {
    const b64 = Buffer.from(raw, 'base64');
    if (b64.length === 32) return b64;
  }
  return null;
}

export interface LoadConfigOptions {
  /** Where sandbox mode keeps its generated encryption key; tests pass a temp dir. */
  readonly ensureSandboxKey?: boolean;
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>, options: LoadConfigOptions = {}): AppConfig {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const mode = e.HUBSPOT_CLIENT_ID ? 'hubspot' : 'sandbox';
  let encryptionKey: Buffer | null = null;
  if (e.ENCRYPTION_KEY) {
    encryptionKey = parseEncryptionKey(e.ENCRYPTION_KEY);
    if (!encryptionKey) problems.push('ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64');
  }
  const production = e.NODE_ENV === 'production';
  if (mode === 'hubspot' || production) {
    const why = production
      ? 'required in production (NODE_ENV=production never starts the sandbox portal)'
      : 'required when HUBSPOT_CLIENT_ID is set';
    if (!e.HUBSPOT_CLIENT_ID) problems.push(`HUBSPOT_CLIENT_ID: ${why}`);
    if (!e.HUBSPOT_CLIENT_SECRET) problems.push(`HUBSPOT_CLIENT_SECRET: ${why}`);
    if (!e.HUBSPOT_APP_ID) problems.push(`HUBSPOT_APP_ID: ${why}`);
    if (!e.ENCRYPTION_KEY) problems.push(`ENCRYPTION_KEY: ${why}`);
    if (!e.APP_BASE_URL) problems.push(`APP_BASE_URL: ${why}${production ? '' : ' (HubSpot must reach the app)'}`);
  }
  if (e.APP_ROLE !== 'all' && e.DATABASE_URL.startsWith('sqlite:')) {
    problems.push(`APP_ROLE: ${e.APP_ROLE} needs DATABASE_URL=postgres://…; SQLite is one process, so it allows only APP_ROLE=all`);
  }
  if (e.APP_ROLE !== 'all' && mode === 'sandbox') {
    problems.push('APP_ROLE: web and worker processes need HUBSPOT_CLIENT_ID (the built-in sandbox portal lives inside one process)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (!encryptionKey) encryptionKey = options.ensureSandboxKey === false ? randomBytes(32) : sandboxKey(e.DATA_DIR);

  return Object.freeze({
    port: e.PORT,
    appBaseUrl: e.APP_BASE_URL ?? `http://localhost:${e.PORT}`,
    mode,
    hubspot: Object.freeze(
      mode === 'hubspot'
        ? {
            clientId: e.HUBSPOT_CLIENT_ID!,
            clientSecret: e.HUBSPOT_CLIENT_SECRET!,
            appId: e.HUBSPOT_APP_ID!,
            apiBaseUrl: e.HUBSPOT_API_BASE_URL,
            authBaseUrl: e.HUBSPOT_AUTH_BASE_URL,
            ratePer10s: e.HUBSPOT_RATE_LIMIT_PER_10S,
            searchPerSecond: e.HUBSPOT_SEARCH_PER_SECOND,
            requestTimeoutMs: e.HUBSPOT_REQUEST_TIMEOUT_SECONDS * 1000,
          }
        : // In sandbox mode the URLs are filled in by the composition root once the sandbox listens.
          {
            ...SANDBOX_APP,
            apiBaseUrl: '',
            authBaseUrl: '',
            ratePer10s: e.HUBSPOT_RATE_LIMIT_PER_10S,
            searchPerSecond: e.HUBSPOT_SEARCH_PER_SECOND,
            requestTimeoutMs: e.HUBSPOT_REQUEST_TIMEOUT_SECONDS * 1000,
          },
    ),
    redisUrl: e.REDIS_URL,
    role: e.APP_ROLE,
    scale: Object.freeze({
      concurrency: e.JOB_CONCURRENCY,
      syncSliceMs: e.SYNC_SLICE_SECONDS * 1000,
      jobExpireSeconds: e.JOB_EXPIRE_SECONDS,
      maintenanceSeconds: e.JOB_MAINTENANCE_SECONDS,
    }),
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    personasConfigPath: e.PERSONAS_CONFIG,
    encryptionKey,
    adminToken: e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    jobs: Object.freeze({
      enabled: e.JOBS_ENABLED,
      syncCron: e.SYNC_CRON,
      reconcileCron: e.RECONCILE_CRON,
      rescoreCron: e.RESCORE_CRON,
      reviewCron: e.REVIEW_CRON,
    }),
    sandbox: Object.freeze({ port: e.SANDBOX_PORT, contacts: e.SANDBOX_CONTACTS }),
  });
}

/** Sandbox mode keeps one generated key under the data folder so stored tokens survive restarts. */
function sandboxKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'sandbox-encryption.key');
  if (existsSync(file)) {
    const key = parseEncryptionKey(readFileSync(file, 'utf8').trim());
    if (key) return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

/** Test-only access to the environment variables the test suites honour (lint allows only this file to read env). */
export function testEnvironment(): {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  schemaRun: string | undefined;
} {
  return {
    databaseUrl: process.env.TEST_DATABASE_URL || undefined,
    redisUrl: process.env.TEST_REDIS_URL || undefined,
    schemaRun: process.env.TEST_SCHEMA_RUN || undefined,
  };
}

/** The process environment, read here so that the rest of the code base never touches it. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** sysexits' EX_CONFIG: what entry points exit with when the configuration is unusable. */
export const EXIT_CONFIG = 78;

/** The process's configuration for an entry point, or null after reporting every problem. */
export function loadProcessConfig(report: (message: string) => void): AppConfig | null {
  try {
    return loadConfig(processEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      report(err.message);
      return null;
    }
    throw err;
  }
}

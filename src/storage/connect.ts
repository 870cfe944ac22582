import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type Migration,
  type MigrationProvider,
  type SqliteDatabase as KyselySqliteDatabase,
} from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import type { Database } from './database';
import type { Dialect } from './dialect';
import { initialMigration } from './migrations/001-initial';
import { snapshotsAndShareLinksMigration } from './migrations/002-snapshots-and-share-links';
import { companiesAndSurveysMigration } from './migrations/003-companies-and-surveys';
import { reviewQueueMigration } from './migrations/004-review-queue';
import { companyCoverageMigration } from './migrations/005-company-coverage';
import { snapshotPersonaCountsMigration } from './migrations/006-snapshot-persona-counts';
import { discoveryRunsMigration } from './migrations/007-discovery-runs';

export type { Dialect };

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where the data lives, without credentials, for logs and status pages. */
  readonly description: string;
  close(): Promise<void>;
  ping(): Promise<void>;
  /** PostgreSQL only: where it lives, for the job engine that shares the database. */
  readonly postgres?: { readonly url: string; readonly schema: string | undefined };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Opens SQLite (`sqlite:<path>`, `sqlite::memory:`) or PostgreSQL (`postgres://…`) and runs pending migrations. */
export interface OpenStorageOptions {
  readonly migrate?: boolean;
  readonly poolSize?: number;
  /** PostgreSQL only: keep every table in this schema (created when missing). Test suites use one each. */
  readonly schema?: string;
}

export async function openStorage(databaseUrl: string, options: OpenStorageOptions = {}): Promise<Storage> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema))
    throw new Error(`Invalid schema name ${options.schema}`);
  const storage = databaseUrl.startsWith('sqlite:')
    ? openSqlite(databaseUrl.slice('sqlite:'.length))
    : await openPostgres(databaseUrl, options.poolSize ?? 10, options.schema);
  if (options.migrate !== false) await migrateToLatest(storage, options.schema);
  return storage;
}

/**
 * The database holds contact data and sealed tokens: the folder we create is 0700 and the files
 * 0600, whatever the umask. SQLite gives its -wal and -shm files the main file's mode; they are
 * set here as well, for a database created before this rule.
 */
function keepPrivate(file: string): void {
  const created = mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  if (created !== undefined) chmodSync(created, 0o700);
  closeSync(openSync(file, 'a', 0o600));
  for (const part of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(part)) chmodSync(part, 0o600);
}

/** Compiled statements kept, most recently used first; beyond this the oldest is dropped. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely asks better-sqlite3 to compile every query it runs, and compiling costs more than running
 * the small statements a sync repeats thousands of times with new values (a page's upserts, one
 * written-values update per contact). The same SQL text gets the statement compiled the first time.
 * Safe because every query runs to completion before the next (all/run; nothing here streams with
 * iterate, which would hold a statement busy).
 */
function reusingStatements(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

function openSqlite(file: string): Storage {
  const memory = file === ':memory:' || file === '';
  if (!memory) keepPrivate(file);
  const sqlite = new SqliteDatabase(memory ? ':memory:' : file);
  sqlite.pragma('journal_mode = WAL');
  if (!memory) keepPrivate(file);
  // FULL: an acknowledged webhook must survive a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    description: memory ? 'sqlite (in memory)' : `sqlite ${path.resolve(file)}`,
    close: async () => {
      // Keeps the query planner's statistics fresh for the next start, as SQLite recommends.
      sqlite.pragma('optimize');
      await db.destroy();
    },
    ping: async () => {
      sqlite.prepare('select 1').get();
    },
  };
}

async function openPostgres(url: string, poolSize: number, schema: string | undefined): Promise<Storage> {
  if (schema) {
    const admin = new Pool({ connectionString: url, max: 1 });
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } catch (error) {
      // Two processes starting at once can both pass "if not exists"; the loser's unique violation means it exists.
      if ((error as { code?: string }).code !== '23505') throw error;
    } finally {
      await admin.end();
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: poolSize,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    connectionTimeoutMillis: 5000,
    // Epoch-millisecond columns are bigint; they fit a double exactly, so read them as numbers.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const safe = new URL(url);
  return {
    db,
    dialect: 'postgres',
    description: `postgres ${safe.host}${safe.pathname}${schema ? ` (schema ${schema})` : ''}`,
    close: () => db.destroy(),
    ping: async () => {
      await pool.query('select 1');
    },
    postgres: { url, schema },
  };
}

export async function migrateToLatest(storage: Storage, schema?: string): Promise<void> {
  const migrations: Record<string, Migration> = {
    '001-initial': initialMigration(storage.dialect),
    '002-snapshots-and-share-links': snapshotsAndShareLinksMigration(storage.dialect),
    '003-companies-and-surveys': companiesAndSurveysMigration(storage.dialect),
    '004-review-queue': reviewQueueMigration(storage.dialect),
    '005-company-coverage': companyCoverageMigration(storage.dialect),
    '006-snapshot-persona-counts': snapshotPersonaCountsMigration(storage.dialect),
    '007-discovery-runs': discoveryRunsMigration(storage.dialect),
  };
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  // Kysely looks for its bookkeeping tables in every schema unless told which one: another schema of
  // the same database (a second app, a test run) would make it skip creating its own.
  const migrationTableSchema = storage.dialect === 'postgres' ? (schema ?? 'public') : undefined;
  const migrator = new Migrator({ db: storage.db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await retryWhileOtherSchemasDrop(() => migrator.migrateToLatest());
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}

/** PostgreSQL's "schema does not exist". */
const INVALID_SCHEMA_NAME = '3F000';
const SCHEMA_DROP_RETRIES = 5;

/**
 * Kysely's migrator reads the tables of every schema it may see (`has_schema_privilege` per schema),
 * so another tenant of the database dropping one of its own schemas between the catalog read and that
 * call fails our migration with "schema … does not exist" about a schema that is not ours. Nothing was
 * applied (the migration runs in a transaction), so trying again is safe and reads the catalog anew.
 */
export async function retryWhileOtherSchemasDrop<T extends { error?: unknown }>(migrate: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await migrate();
    const code = (outcome.error as { code?: string } | undefined)?.code;
    if (code !== INVALID_SCHEMA_NAME || attempt >= SCHEMA_DROP_RETRIES) return outcome;
  }
}

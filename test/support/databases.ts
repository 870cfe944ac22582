import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { testEnvironment } from '../../src/platform/config';
import { openStorage, type Storage } from '../../src/storage/connect';

/** The PostgreSQL server the suites use when TEST_DATABASE_URL is set (CI always sets it). */
export const postgresUrl = testEnvironment().databaseUrl;

export function openSqliteForTest(): Promise<Storage> {
  return openStorage('sqlite::memory:');
}

/**
 * A fresh schema per call. Under jest it is named after the run and dropped by the global teardown
 * once every suite has finished (dropping it mid-run races other suites' migrations; see
 * test/support/postgres-run-schemas.js); elsewhere close() drops it.
 */
export async function openPostgresForTest(url: string = postgresUrl ?? ''): Promise<Storage> {
  const run = testEnvironment().schemaRun;
  const schema = `t${run ?? ''}_${randomBytes(6).toString('hex')}`;
  const storage = await openStorage(url, { schema });
  if (run) return storage;
  return {
    ...storage,
    close: async () => {
      await storage.close();
      const pool = new Pool({ connectionString: url, max: 1 });
      try {
        await pool.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** Both engines when PostgreSQL is configured, SQLite alone otherwise. */
export const engines: [string, () => Promise<Storage>][] = [
  ['sqlite', openSqliteForTest],
  ...(postgresUrl ? [['postgres', () => openPostgresForTest()] as [string, () => Promise<Storage>]] : []),
];

import { createLogger } from '../../../src/platform/logger';
import type { Storage } from '../../../src/storage/connect';
import { startAppHarness, type Harness, type HarnessOptions } from '../../support/app-harness';

export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

/** pino's numeric levels. */
export const WARN = 40;

export interface HostileApp {
  readonly harness: Harness;
  /** Every line the app logged, parsed. */
  readonly logs: LogLine[];
  /** Log lines at error level or above since the last call (and forgets them). */
  takeErrors(): LogLine[];
  /** An admin API URL for the harness portal: `api('contacts')` → …/api/admin/portals/<id>/contacts */
  api(path: string): string;
  adminHeaders(extra?: Record<string, string>): Record<string, string>;
}

/** The whole app on `storage`, installed into its sandbox portal and synced, with its log captured. */
export async function startHostileApp(storage: Storage, options: HarnessOptions = {}): Promise<HostileApp> {
  const logs: LogLine[] = [];
  const logger = createLogger({
    level: 'info',
    destination: {
      write: (line: string) => {
        logs.push(JSON.parse(line) as LogLine);
      },
    },
  });
  const harness = await startAppHarness({ contacts: 20, storage, logger, ...options });
  await harness.install();
  await harness.waitForFirstSync();
  let seen = 0;
  return {
    harness,
    logs,
    takeErrors: () => {
      const fresh = logs.slice(seen);
      seen = logs.length;
      return fresh.filter((line) => line.level > WARN);
    },
    api: (path) => `${harness.appBaseUrl}/api/admin/portals/${harness.portalId}/${path}`,
    adminHeaders: (extra = {}) => ({ authorization: `Bearer ${harness.adminToken}`, 'content-type': 'application/json', ...extra }),
  };
}

import { Client } from '@hubspot/api-client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';

/** A sandbox on a free port with small portals and quick webhook timing, for tests. */

export const TEST_APP = {
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret-0123456789',
  appId: 424242,
  redirectUris: ['http://127.0.0.1:9/oauth/callback'],
  scopes: [
    'oauth',
    'crm.objects.contacts.read',
    'crm.objects.contacts.write',
    'crm.schemas.contacts.write',
    'tickets',
    'automation',
    'crm.objects.companies.read',
    'crm.objects.companies.write',
    'crm.schemas.companies.write',
    'crm.objects.feedback_submissions.read',
  ],
} as const;

export const PORTAL_A = 111_001;
export const PORTAL_B = 111_002;

export type TestSandboxOptions = Partial<Omit<SandboxOptions, 'app'>> & { app?: Partial<SandboxOptions['app']> };

export async function startTestSandbox(overrides: TestSandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    ...overrides,
    app: { ...TEST_APP, redirectUris: [...TEST_APP.redirectUris], scopes: [...TEST_APP.scopes], ...overrides.app },
    portals: overrides.portals ?? [
      { portalId: PORTAL_A, contacts: 120, seed: 7 },
      { portalId: PORTAL_B, contacts: 30, seed: 8 },
    ],
    webhooks: { enabled: false, ...overrides.webhooks },
  });
}

/** A real SDK client pointed at the sandbox, with an access token issued for `portalId`. */
export function sdkClient(
  sandbox: Sandbox,
  portalId: number,
  extra: { numberOfApiCallRetries?: number } = {},
): { client: Client; accessToken: string } {
  const { accessToken } = sandbox.tokens.issue(portalId);
  const client = new Client({ accessToken, basePath: sandbox.baseUrl, ...extra });
  return { client, accessToken };
}

/** A mutable clock for expiry tests. */
export function manualClock(start = Date.UTC(2026, 10, 1, 12)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * A parsed JSON answer in contract tests. Loosely typed on purpose: the tests check its shape
 * with the zod schemas in sandbox-schemas.ts or field by field.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shape is asserted by the tests themselves
export type JsonBody = any;

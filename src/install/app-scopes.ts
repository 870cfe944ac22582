import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Used when app.json is absent or names no scopes; keep in step with app.json. */
export const FALLBACK_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'tickets',
  'automation',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.schemas.companies.write',
] as const;
export const FALLBACK_OPTIONAL_SCOPES = ['crm.objects.feedback_submissions.read'] as const;

const DEFAULT_APP_JSON = path.resolve(__dirname, '..', '..', 'app.json');

function authOf(appJsonPath: string): { requiredScopes?: unknown; optionalScopes?: unknown } | null {
  if (!existsSync(appJsonPath)) return null;
  const manifest = JSON.parse(readFileSync(appJsonPath, 'utf8')) as {
    config?: { auth?: { requiredScopes?: unknown; optionalScopes?: unknown } };
  };
  return manifest.config?.auth ?? {};
}

/**
 * The scopes the app requires, from app.json (`config.auth.requiredScopes`): the one source for the
 * install URL, and for the sandbox app's declared scopes in the demo and the tests.
 */
export function requiredScopes(appJsonPath: string = DEFAULT_APP_JSON): string[] {
  const scopes = authOf(appJsonPath)?.requiredScopes;
  return Array.isArray(scopes) && scopes.length > 0 ? scopes.map(String) : [...FALLBACK_SCOPES];
}

/**
 * Scopes HubSpot grants only where the account has the feature (`config.auth.optionalScopes`,
 * sent as `optional_scope`): survey responses, which not every edition has. An install never fails
 * for lack of them.
 */
export function optionalScopes(appJsonPath: string = DEFAULT_APP_JSON): string[] {
  const auth = authOf(appJsonPath);
  if (auth === null) return [...FALLBACK_OPTIONAL_SCOPES];
  return Array.isArray(auth.optionalScopes) ? auth.optionalScopes.map(String) : [];
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Used when app.json is absent or names no scopes; keep in step with app.json. */
export const FALLBACK_SCOPES = [
  'oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.read', 'crm.schemas.contacts.write', 'tickets', 'automation',
] as const;

/**
 * The scopes the app requires, from app.json (`config.auth.requiredScopes`): the one source for the
 * install URL, and for the sandbox app's declared scopes in the demo and the tests.
 */
export function requiredScopes(appJsonPath: string = path.resolve(__dirname, '..', '..', 'app.json')): string[] {
  if (!existsSync(appJsonPath)) return [...FALLBACK_SCOPES];
  const manifest = JSON.parse(readFileSync(appJsonPath, 'utf8')) as { config?: { auth?: { requiredScopes?: unknown } } };
  const scopes = manifest.config?.auth?.requiredScopes;
  return Array.isArray(scopes) && scopes.length > 0 ? scopes.map(String) : [...FALLBACK_SCOPES];
}

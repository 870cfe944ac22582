/**
 * Which account data a portal's grant lets the app read. Companies are a required scope of the
 * app, but portals installed before it was added lack it until they reinstall; survey responses
 * (feedback submissions) are an optional scope, granted only where the HubSpot edition has
 * customer feedback surveys. Without a scope the app reads nothing of that kind: `company`
 * conditions are then false and `surveys` conditions count no responses.
 */
export const COMPANIES_READ_SCOPE = 'crm.objects.companies.read';
export const FEEDBACK_SUBMISSIONS_READ_SCOPE = 'crm.objects.feedback_submissions.read';

export interface AccountAccess {
  readonly companies: boolean;
  readonly surveys: boolean;
}

export function accountAccess(grantedScopes: readonly string[]): AccountAccess {
  return { companies: grantedScopes.includes(COMPANIES_READ_SCOPE), surveys: grantedScopes.includes(FEEDBACK_SUBMISSIONS_READ_SCOPE) };
}

import type { RequestHandler, Router } from 'express';
import type Redis from 'ioredis';
import type { AuditStore } from '../audit/audit-store';
import type { PortalId } from '../crm/model';
import type { ManualOverride } from '../personas/writeback';
import type { OAuthStateStore, PortalStore } from '../install/portal-store';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { AssignmentStore } from '../personas/assignment-store';
import type { RuleSet } from '../personas/engine';
import type { PersonaUsageReader } from '../personas/publish-confirmation';
import { ContactPersonaService } from '../personas/contact-persona-service';
import type { RuleSetService } from '../personas/rule-set-service';
import { RuleSetAdminService } from '../personas/rule-set-admin-service';
import type { RuleSetStore } from '../personas/rule-set-store';
import { type CrmStore, WHAT_THEY_SAY_SHOWN } from '../crm/crm-store';
import type { SyncStore } from '../sync/sync-store';
import type { InboxStore } from '../webhook-receiver/inbox-store';
import { FailedAdminAttempts, requireAdmin } from './admin-guard';
import { createAdminRoutes, type GalleryVerdict } from './admin-routes';
import { DashboardService } from './dashboard-service';
import { AdminSessions } from './admin-sessions';
import { createAdminPublicRoutes } from './public-routes';
import { createAccountsRoutes } from './accounts-routes';
import { AccountsService } from './accounts-service';
import { createReviewQueueRoutes } from './review-queue-routes';
import { ReviewQueueService } from '../personas/review-queue-service';
import type { SessionStore } from './session-store';
import { ShareLinks, shareLinkSecret, type ShareRevocationStore } from './share-links';
import { createSignInRoutes, SIGNIN_CALLBACK_PATH, type SignedInUser } from './signin-routes';

export interface AdminDeps {
  readonly stores: {
    readonly ruleSets: RuleSetStore;
    readonly crm: CrmStore;
    readonly assignments: AssignmentStore;
    readonly sync: SyncStore;
    readonly inbox: InboxStore;
    readonly portals: PortalStore;
    readonly oauthStates: OAuthStateStore;
    readonly audit: AuditStore;
    readonly adminSessions: SessionStore;
    readonly shareRevocations: ShareRevocationStore;
  };
  readonly clock: Clock;
  readonly logger: Logger;
  /** Failed admin-token attempts per client address (default: 10 per 15 minutes). */
  readonly failedAdminAttempts?: { readonly limit?: number; readonly windowSeconds?: number; readonly redis?: Redis };
  readonly adminToken: string | undefined;
  readonly appBaseUrl: string;
  readonly encryptionKey: Buffer;
  /** The rule set in force per portal (the default until a portal has a version of its own). */
  readonly rules: Pick<RuleSetService, 'liveOrDefault' | 'defaultRuleSet' | 'invalidate'>;
  readonly oauth: {
    /** HubSpot's app host (https://app.hubspot.com), or the sandbox's base URL in sandbox mode. */
    readonly authBaseUrl: string;
    readonly clientId: string;
    readonly scopes: readonly string[];
    readonly identify: (code: string, redirectUri: string) => Promise<SignedInUser>;
  };
  readonly syncPropertyOptions: (portalId: PortalId, ruleSet: RuleSet) => Promise<void>;
  readonly rescore: (portalId: PortalId, reason: string) => Promise<unknown>;
  /** See AdminRoutesDeps.applyOverride: the assignment service's admin override, so HubSpot follows. */
  readonly applyOverride?: (portalId: PortalId, contactId: string, override: ManualOverride | null) => Promise<void>;
  /** Where the built page lives; defaults to src/admin/page/dist. */
  readonly pageDir?: string;
  /** Which HubSpot lists and workflows read persona values: publishes that touch them need a typed confirmation. */
  readonly personaUsage?: PersonaUsageReader;
  /** The latest validation verdict per persona id, for the gallery. */
  readonly verdicts?: (portalId: PortalId) => Promise<ReadonlyMap<string, GalleryVerdict>>;
}

export interface Admin {
  readonly routers: Router[];
  /** Bearer token or signed-in session (with CSRF on state changes): give it to every /api/admin router. */
  readonly guard: RequestHandler;
  /** The same guard for pages a person opens: without a session it sends the browser to sign in and back. */
  readonly pageGuard: RequestHandler;
  readonly ruleSetAdmin: RuleSetAdminService;
  readonly sessions: AdminSessions;
  /** The sign-in redirect URL: it must be listed in the app's redirect URLs (app.json). */
  readonly redirectUri: string;
}

/** Builds the admin capability: sign-in, the /api/admin JSON API, the page, share links and avatars. */
export function createAdmin(deps: AdminDeps): Admin {
  const { stores, clock } = deps;
  const secure = deps.appBaseUrl.startsWith('https:');
  const sessions = new AdminSessions({ store: stores.adminSessions, clock, secure });
  const failedAttempts = new FailedAdminAttempts({ logger: deps.logger, ...deps.failedAdminAttempts });
  const guard = requireAdmin({ adminToken: deps.adminToken, sessionPrincipal: sessions.principal, failedAttempts });
  const pageGuard = requireAdmin({
    adminToken: deps.adminToken,
    sessionPrincipal: sessions.principal,
    signInPath: '/admin/signin',
    failedAttempts,
  });
  const ruleSetAdmin = new RuleSetAdminService({
    ruleSets: stores.ruleSets,
    crm: stores.crm,
    audit: stores.audit,
    clock,
    rules: deps.rules,
    syncPropertyOptions: deps.syncPropertyOptions,
    rescore: deps.rescore,
    personaUsage: deps.personaUsage,
  });
  const shareLinks = new ShareLinks({ secret: shareLinkSecret(deps.encryptionKey), revocations: stores.shareRevocations });
  const redirectUri = `${deps.appBaseUrl}${SIGNIN_CALLBACK_PATH}`;
  const accounts = new AccountsService({
    crm: stores.crm,
    assignments: stores.assignments,
    ruleSet: async (portalId) => (await ruleSetAdmin.live(portalId)).ruleSet,
  });
  const routers = [
    createSignInRoutes({
      sessions,
      oauthStates: stores.oauthStates,
      portals: stores.portals,
      clock,
      logger: deps.logger,
      authBaseUrl: deps.oauth.authBaseUrl,
      clientId: deps.oauth.clientId,
      scopes: deps.oauth.scopes,
      redirectUri,
      identify: deps.oauth.identify,
      secure,
    }),
    createAdminPublicRoutes({ ruleSetAdmin, shareLinks, pageDir: deps.pageDir }),
    createReviewQueueRoutes({
      guard,
      reviewQueue: new ReviewQueueService({
        assignments: stores.assignments,
        crm: stores.crm,
        audit: stores.audit,
        now: () => clock.now(),
        personaIds: async (portalId) => {
          const { ruleSet } = await ruleSetAdmin.live(portalId);
          return new Set([...ruleSet.personas.map((p) => p.id), ruleSet.unassigned.id]);
        },
        applyOverride:
          deps.applyOverride ?? ((portalId, contactId, override) => stores.assignments.setOverride(portalId, contactId, override)),
      }),
    }),
    createAccountsRoutes({ guard, accounts }),
    createAdminRoutes({
      guard,
      accounts,
      sessions,
      ruleSetAdmin,
      portals: stores.portals,
      audit: stores.audit,
      shareLinks,
      clock,
      appBaseUrl: deps.appBaseUrl,
      verdicts: deps.verdicts,
      whatTheySay: (portalId, personaId) => stores.crm.recentSurveyComments(portalId, personaId, WHAT_THEY_SAY_SHOWN),
      contacts: new ContactPersonaService({
        crm: stores.crm,
        assignments: stores.assignments,
        rules: deps.rules,
        audit: stores.audit,
        clock,
        applyOverride: deps.applyOverride,
      }),
      dashboard: new DashboardService({
        rules: deps.rules,
        assignments: stores.assignments,
        sync: stores.sync,
        inbox: stores.inbox,
        portals: stores.portals,
        crm: stores.crm,
      }),
    }),
  ];
  return { routers, guard, pageGuard, ruleSetAdmin, sessions, redirectUri };
}

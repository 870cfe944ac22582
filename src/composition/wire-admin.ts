import type { Router } from 'express';
import type Redis from 'ioredis';
import { createAdmin, type Admin } from '../admin/create-admin';
import { createPublishImpactRoutes } from '../admin/publish-impact-routes';
import { identifyWithOAuth, SIGNIN_CALLBACK_PATH } from '../admin/signin-routes';
import type { PortalAutomationReader } from '../crm/hubspot-port';
import { createInsightsRoutes } from '../insights/insights-routes';
import type { DiscoveryRuns } from '../insights/discovery-runs';
import type { InsightsService } from '../insights/insights-service';
import { OAuthClient } from '../install/oauth-client';
import type { PersonaPropertySetup } from '../install/persona-property-setup';
import type { AssignmentService } from '../personas/assignment-service';
import { PublishImpactService } from '../personas/publish-impact';
import type { RuleSetService } from '../personas/rule-set-service';
import { createPortalStatusRoutes } from '../sync/portal-status-routes';
import { SYNC_JOBS } from '../sync/sync-jobs';
import type { SyncService } from '../sync/sync-service';
import type { Wiring } from './wiring';

export interface AdminParts {
  readonly ruleSets: RuleSetService;
  readonly assignments: AssignmentService;
  readonly propertySetup: PersonaPropertySetup;
  readonly sync: SyncService;
  readonly insights: InsightsService;
  readonly discoveryRuns: DiscoveryRuns;
  /** Records the HubSpot calls counted so far, so the status page shows them. */
  readonly flushUsage: () => Promise<void>;
  /** Reads a portal's lists and workflows (the publish preview names those a persona value drives). */
  readonly automation: (portalId: number) => PortalAutomationReader;
  /** Runs a change to these contacts, then rewrites the buying committee of the companies they were and are on. */
  readonly withCompaniesOf: <T>(portalId: number, contactIds: readonly string[], change: () => Promise<T>) => Promise<T>;
  readonly scopes: readonly string[];
  readonly oauthFetch?: typeof fetch;
  /** Scale mode's Redis: failed admin-token attempts are counted across web processes there. */
  readonly redis: Redis | null;
}

/**
 * The admin: sign-in with HubSpot, /api/admin, the page at /admin/, share links, avatars, and the
 * admin-guarded routes of other capabilities (portal status, insights, the publish preview).
 */
export function wireAdmin(
  { config, logger, clock, stores, jobs }: Wiring,
  parts: AdminParts,
): { routers: Router[]; pageGuard: Admin['pageGuard'] } {
  const {
    ruleSets,
    assignments,
    propertySetup,
    sync,
    insights,
    discoveryRuns,
    flushUsage,
    automation,
    withCompaniesOf,
    scopes,
    oauthFetch,
    redis,
  } = parts;
  const publishImpact = new PublishImpactService({
    automation,
    grantedScopes: async (id) => (await stores.portals.get(id))?.scopes ?? [],
  });
  const personaProperty = async (id: number) => (await ruleSets.live(id)).ruleSet.property.name;
  const admin = createAdmin({
    stores,
    clock,
    logger,
    adminToken: config.adminToken,
    ...(redis ? { failedAdminAttempts: { redis } } : {}),
    appBaseUrl: config.appBaseUrl,
    encryptionKey: config.encryptionKey,
    rules: ruleSets,
    oauth: {
      authBaseUrl: config.hubspot.authBaseUrl,
      clientId: config.hubspot.clientId,
      scopes,
      identify: identifyWithOAuth(
        new OAuthClient({
          apiBaseUrl: config.hubspot.apiBaseUrl,
          clientId: config.hubspot.clientId,
          clientSecret: config.hubspot.clientSecret,
          redirectUri: `${config.appBaseUrl}${SIGNIN_CALLBACK_PATH}`,
          fetch: oauthFetch,
        }),
      ),
    },
    syncPropertyOptions: async (portalId, ruleSet) => {
      await propertySetup.ensure(portalId, ruleSet);
    },
    // Answers at once: a large portal's rescore takes minutes; the dashboard follows its run.
    rescore: (portalId) => jobs.enqueue(SYNC_JOBS.rescore, portalId),
    applyOverride: (portalId, contactId, override) =>
      withCompaniesOf(portalId, [contactId], () => assignments.applyAdminOverride(portalId, contactId, override)),
    verdicts: (portalId) => insights.personaVerdicts(portalId),
    personaUsage: async (portalId, values) => publishImpact.usage(portalId, await personaProperty(portalId), values),
  });
  jobs.schedule({ name: 'admin-sessions', cron: config.jobs.reconcileCron, run: () => stores.adminSessions.purgeExpired(clock.now()) });
  const routers: Router[] = [
    ...admin.routers,
    createPortalStatusRoutes({
      guard: admin.guard,
      portals: stores.portals,
      crm: stores.crm,
      sync: stores.sync,
      assignments: stores.assignments,
      ruleSets,
      currentRun: (id) => sync.currentRun(id),
      streamProgress: (id) => sync.streamProgress(id),
      flushUsage,
      clock,
    }),
    createInsightsRoutes({ guard: admin.guard, insights, discoveryRuns }),
    createPublishImpactRoutes({ guard: admin.guard, impact: publishImpact, personaProperty }),
  ];

  return { routers, pageGuard: admin.pageGuard };
}

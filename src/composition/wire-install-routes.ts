import type { Router } from 'express';
import { InstallProgressLinks, installProgressSecret } from '../install/install-progress';
import { createInstallProgressRoutes, type InstallProgressSource } from '../install/install-progress-page';
import type { InstallService } from '../install/install-service';
import { createOAuthRoutes } from '../install/oauth-routes';
import type { SyncService } from '../sync/sync-service';
import type { Wiring } from './wiring';

/** The install: HubSpot's OAuth callback, and the page that follows the first sync. */
export function wireInstallRoutes(
  { config, logger, clock, stores }: Wiring,
  parts: { install: InstallService; sync: SyncService; scopes: readonly string[]; optionalScopes: readonly string[] },
): Router[] {
  const { install, sync, scopes, optionalScopes } = parts;
  // The install page follows the first sync through a signed link, with no admin session.
  const installProgress: InstallProgressSource = {
    links: new InstallProgressLinks(installProgressSecret(config.encryptionKey)),
    read: async (portalId) => {
      const p = await sync.streamProgress(portalId);
      const f = p.figures;
      return {
        state: p.state === 'none' ? 'starting' : p.state === 'running' ? 'syncing' : p.state,
        total: f?.total ?? null,
        scored: f?.scored ?? 0,
        written: f?.written ?? 0,
        remaining: f?.remaining ?? null,
        contactsPerSecond: f?.contactsPerSecond ?? null,
        etaSeconds: f?.etaSeconds ?? null,
      };
    },
  };
  return [
    createOAuthRoutes({
      states: stores.oauthStates,
      install,
      clock,
      logger,
      clientId: config.hubspot.clientId,
      appBaseUrl: config.appBaseUrl,
      authBaseUrl: config.hubspot.authBaseUrl,
      scopes,
      optionalScopes,
      progress: installProgress,
    }),
    createInstallProgressRoutes({ source: installProgress, clock }),
  ];
}

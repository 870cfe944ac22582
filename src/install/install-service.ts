import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { RuleSetService } from '../personas/rule-set-service';
import type { OAuthClient } from './oauth-client';
import type { PersonaPropertySetup } from './persona-property-setup';
import type { PortalStore } from './portal-store';
import type { TokenService } from './token-service';

export interface InstallResult {
  readonly portalId: PortalId;
  readonly hubDomain: string | null;
  readonly reinstall: boolean;
}

export interface InstallServiceDeps {
  readonly portals: PortalStore;
  readonly oauth: Pick<OAuthClient, 'exchangeCode' | 'introspect'>;
  readonly tokens: TokenService;
  readonly ruleSets: RuleSetService;
  readonly properties: PersonaPropertySetup;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called once the portal is ready; starts the first sync in the background. */
  readonly onInstalled?: (portalId: PortalId) => void;
}

/**
 * Completes an install: exchanges the code (OAuth v3), learns the portal by introspection, stores
 * the tokens sealed, seeds the rule set and creates the persona properties. Installing the same
 * portal again updates it (new tokens, state back to installed).
 */
export class InstallService {
  constructor(private readonly deps: InstallServiceDeps) {}

  async completeInstall(code: string): Promise<InstallResult> {
    const { portals, oauth, tokens, clock, logger } = this.deps;
    const granted = await oauth.exchangeCode(code);
    const info = await oauth.introspect(granted.accessToken);
    const portalId = info.hubId;
    const existing = await portals.get(portalId);
    const now = clock.now();
    await portals.upsert({
      portalId,
      hubDomain: info.hubDomain,
      state: 'installed',
      scopes: info.scopes,
      ...tokens.seal(portalId, granted, now),
      installedAt: existing?.installedAt ?? now,
      updatedAt: now,
      installedBy: info.user,
      lastError: null,
    });
    await tokens.storeTokens(portalId, granted);
    const live = await this.deps.ruleSets.ensureSeeded(portalId);
    await this.deps.properties.ensure(portalId, live.ruleSet);
    logger.info({ portalId, hubDomain: info.hubDomain, reinstall: existing !== null }, 'app installed');
    this.deps.onInstalled?.(portalId);
    return { portalId, hubDomain: info.hubDomain, reinstall: existing !== null };
  }
}

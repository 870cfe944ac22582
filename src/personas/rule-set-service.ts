import type { PortalId } from '../crm/model';
import { AppError } from '../platform/errors';
import type { Clock } from '../platform/clock';
import { compileRuleSet, formatRuleSetErrors, validateRuleSet, type CompiledRuleSet, type RuleSet } from './engine';
import type { RuleSetStore } from './rule-set-store';

/**
 * The rule set in force for a portal, validated and compiled. `version` is null only for the
 * default rule set shown to a portal that has stored none yet (see `liveOrDefault`).
 */
export interface LiveRuleSet {
  readonly version: number | null;
  readonly ruleSet: RuleSet;
  readonly compiled: CompiledRuleSet;
}

/** A version the portal stored: what assignments are computed and recorded against. */
export interface PublishedRuleSet extends LiveRuleSet {
  readonly version: number;
}

export interface RuleSetServiceDeps {
  readonly ruleSets: RuleSetStore;
  /** The default rule set (PERSONAS_CONFIG), read and parsed by the composition root. */
  readonly defaultRuleSet: () => unknown;
  readonly clock: Clock;
}

/**
 * The one way to the rule set in force for a portal: version 1 is seeded from the default at
 * install; each published version is validated, compiled once and cached per portal and version.
 */
export class RuleSetService {
  private readonly cache = new Map<PortalId, PublishedRuleSet>();
  private defaultLive: LiveRuleSet | null = null;

  constructor(private readonly deps: RuleSetServiceDeps) {}

  /** The default rule set (PERSONAS_CONFIG), validated and compiled once. */
  defaultRuleSet(): LiveRuleSet {
    if (this.defaultLive) return this.defaultLive;
    const validation = validateRuleSet(this.deps.defaultRuleSet());
    if (!validation.ok) throw new AppError('internal', `The default rule set is invalid.\n${formatRuleSetErrors(validation.errors)}`);
    this.defaultLive = { version: null, ruleSet: validation.ruleSet, compiled: compileRuleSet(validation.ruleSet) };
    return this.defaultLive;
  }

  /** Stores the default rule set as version 1 when the portal has none yet. Idempotent. */
  async ensureSeeded(portalId: PortalId): Promise<PublishedRuleSet> {
    const existing = await this.deps.ruleSets.live(portalId);
    if (!existing) {
      await this.deps.ruleSets.add(
        portalId,
        { body: this.defaultRuleSet().ruleSet, status: 'published', createdBy: 'install', note: 'default rule set' },
        this.deps.clock.now(),
      );
    }
    return this.live(portalId);
  }

  /** The portal's version in force, or the default (version null) for a portal that has stored none: what admins see. */
  async liveOrDefault(portalId: PortalId): Promise<LiveRuleSet> {
    return (await this.deps.ruleSets.live(portalId)) ? this.live(portalId) : this.defaultRuleSet();
  }

  /** The highest published version, compiled (from the cache when the version is unchanged). */
  async live(portalId: PortalId): Promise<PublishedRuleSet> {
    const stored = await this.deps.ruleSets.live(portalId);
    if (!stored) throw new AppError('not_found', `Portal ${portalId} has no published rule set`);
    const cached = this.cache.get(portalId);
    if (cached && cached.version === stored.version) return cached;
    const validation = validateRuleSet(stored.body);
    if (!validation.ok)
      throw new AppError(
        'internal',
        `Stored rule set v${stored.version} of portal ${portalId} is invalid.\n${formatRuleSetErrors(validation.errors)}`,
      );
    const live = { version: stored.version, ruleSet: validation.ruleSet, compiled: compileRuleSet(validation.ruleSet) };
    this.cache.set(portalId, live);
    return live;
  }

  invalidate(portalId: PortalId): void {
    this.cache.delete(portalId);
  }
}

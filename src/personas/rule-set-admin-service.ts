import type { AuditStore } from '../audit/audit-store';
import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import { evaluationSubject, type CrmStore, type ContactWithStoredTickets } from '../crm/crm-store';
import { type Assignment, compileRuleSet, type CompiledRuleSet, type RuleSet, type RuleSetError, validateRuleSet } from './engine';
import { diffRuleSets, type RuleSetChange } from './rule-set-diff';
import type { LiveRuleSet, RuleSetService } from './rule-set-service';
import type { RuleSetStore, RuleSetVersion } from './rule-set-store';
import { createYielder } from '../platform/event-loop';
import { type PersonaUsageReader, requirePublishConfirmation } from './publish-confirmation';

export interface RuleSetAdminServiceDeps {
  readonly ruleSets: RuleSetStore;
  readonly crm: Pick<CrmStore, 'streamContactsWithTickets'>;
  readonly audit: AuditStore;
  readonly clock: Clock;
  /** The rule set in force (the default until a portal publishes its own); its cache is dropped on publish. */
  readonly rules: Pick<RuleSetService, 'liveOrDefault' | 'defaultRuleSet' | 'invalidate'>;
  /**
   * Brings the HubSpot enumeration options in line with the rule set (new personas added, removed
   * ones hidden, never deleted). Runs before the version is stored: if HubSpot refuses, nothing is published.
   */
  readonly syncPropertyOptions: (portalId: PortalId, ruleSet: RuleSet) => Promise<void>;
  /** Rescores the portal's contacts under the new live rule set and writes back only changes. */
  readonly rescore: (portalId: PortalId, reason: string) => Promise<unknown>;
  readonly batchSize?: number;
  /**
   * Which HubSpot lists and workflows read some persona values. When given, a publish that moves
   * contacts out of such values needs `confirmAffected` equal to their number.
   */
  readonly personaUsage?: PersonaUsageReader;
}

export interface SampleContact {
  readonly contactId: string;
  readonly email: string | null;
  readonly name: string;
  readonly before: Pick<Assignment, 'personaId' | 'score' | 'explanation'>;
  readonly after: Pick<Assignment, 'personaId' | 'score' | 'explanation'>;
  /** How the persona the contact leaves scores under the draft (null when it was unassigned or the draft drops it). */
  readonly formerUnderDraft: {
    personaId: string;
    score: number;
    threshold: number;
    firedRules: { label: string; points: number; facts?: string[] }[];
  } | null;
}

export interface PersonaMove {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly samples: readonly SampleContact[];
}

export interface PersonaCoverage {
  readonly personaId: string;
  readonly name: string;
  /** Contacts for whom the persona reaches its threshold (primary or not). */
  readonly qualifying: number;
  /** Contacts for whom it would be the primary persona. */
  readonly primary: number;
}

export interface SilentRule {
  readonly personaId: string;
  readonly ruleIndex: number;
  readonly label: string;
}

export interface RuleSetPreview {
  readonly liveVersion: number | null;
  readonly contacts: number;
  /** Rule-based persona counts under the live rule set and under the draft (manual overrides aside). */
  readonly before: Record<string, number>;
  readonly after: Record<string, number>;
  /** Every (from, to) pair with at least one contact, from != to, largest first. */
  readonly moves: readonly PersonaMove[];
  readonly unchanged: number;
  readonly coverage: readonly PersonaCoverage[];
  /** Personas of the draft that no stored contact would qualify for. */
  readonly unmatchedPersonas: readonly string[];
  /** Rules of the draft that fire for no stored contact. */
  readonly silentRules: readonly SilentRule[];
  /** What the draft changes in the live rule set, as the audit log will record it. */
  readonly changes: readonly RuleSetChange[];
}

export interface PublishResult {
  readonly version: RuleSetVersion;
  readonly changes: readonly RuleSetChange[];
}

const DEFAULT_SAMPLES = 5;

function contactName(c: ContactWithStoredTickets): string {
  const p = c.contact.properties;
  const name = [p.firstname, p.lastname].filter((v) => v && v.trim() !== '').join(' ');
  return name || c.contact.email || `Contact ${c.contact.id}`;
}

const brief = (a: Assignment) => ({ personaId: a.personaId, score: a.score, explanation: a.explanation });

/**
 * Counts by persona id, one entry (0 or more) for every id either rule set can produce. Without a
 * prototype, an id such as `constructor` is a count like any other; and because every id has an
 * own entry, a reader of the JSON never falls through to an inherited member either.
 */
function emptyCounts(...ruleSets: readonly RuleSet[]): Record<string, number> {
  const counts = Object.create(null) as Record<string, number>;
  for (const ruleSet of ruleSets) {
    counts[ruleSet.unassigned.id] = 0;
    for (const persona of ruleSet.personas) counts[persona.id] = 0;
  }
  return counts;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Rule-set versioning for admins: preview (a dry run over stored contacts), publish, rollback and the audit trail. */
export class RuleSetAdminService {
  constructor(private readonly deps: RuleSetAdminServiceDeps) {}

  /** The rule set in force, or the default (version null) while the portal has none of its own. */
  live(portalId: PortalId): Promise<LiveRuleSet> {
    return this.deps.rules.liveOrDefault(portalId);
  }

  /** The rule set of one version (null = the default), for read-only views pinned to a version. */
  async ruleSetAt(portalId: PortalId, version: number | null): Promise<RuleSet> {
    if (version === null) return this.deps.rules.defaultRuleSet().ruleSet;
    const stored = await this.version(portalId, version);
    return this.parseOrRefuse(stored.body);
  }

  /** Validates without storing anything: every problem with its JSON path. */
  validate(input: unknown): { ok: true; ruleSet: RuleSet } | { ok: false; errors: RuleSetError[] } {
    return validateRuleSet(input);
  }

  private parseOrRefuse(input: unknown): RuleSet {
    const result = validateRuleSet(input);
    if (!result.ok)
      throw new AppError('validation_failed', 'The rule set is invalid; the live rule set stays live', { details: result.errors });
    return result.ruleSet;
  }

  /**
   * Dry run: scores every stored contact under the live rule set and under the draft, streaming a
   * batch at a time (never the whole portal in memory). Nothing is written.
   */
  async preview(
    portalId: PortalId,
    input: unknown,
    options: {
      samplesPerMove?: number;
      /** Told of every contact whose computed persona the draft changes (the company impact needs them all). */
      onMove?: (contactId: string, from: string, to: string) => void;
    } = {},
  ): Promise<RuleSetPreview> {
    const draft = this.parseOrRefuse(input);
    const live = await this.live(portalId);
    const samplesPerMove = options.samplesPerMove ?? DEFAULT_SAMPLES;
    const before: CompiledRuleSet = live.compiled;
    const after: CompiledRuleSet = compileRuleSet(draft);
    const now = this.deps.clock.now();

    const beforeCounts = emptyCounts(live.ruleSet, draft);
    const afterCounts = emptyCounts(live.ruleSet, draft);
    const moves = new Map<string, { from: string; to: string; count: number; samples: SampleContact[] }>();
    const personaCount = draft.personas.length;
    const qualifying = new Array<number>(personaCount).fill(0);
    const ruleFired = draft.personas.map((p) => new Array<boolean>(p.rules.length).fill(false));
    let contacts = 0;
    let unchanged = 0;

    const yieldNow = createYielder();
    for await (const batch of this.deps.crm.streamContactsWithTickets(portalId, { batchSize: this.deps.batchSize ?? 500 })) {
      for (const item of batch) {
        await yieldNow();
        const subject = evaluationSubject(item);
        const old = before.assign(subject, now);
        await yieldNow();
        const detailed = after.explainAll(subject, now);
        const next = detailed.assignment;
        contacts += 1;
        increment(beforeCounts, old.personaId);
        increment(afterCounts, next.personaId);
        detailed.personas.forEach((persona, p) => {
          if (persona.qualifies) qualifying[p] += 1;
          const fired = ruleFired[p];
          persona.rules.forEach((rule, r) => {
            if (rule.fired) fired[r] = true;
          });
        });
        if (old.personaId === next.personaId) {
          unchanged += 1;
          continue;
        }
        options.onMove?.(item.contact.id, old.personaId, next.personaId);
        const key = `${old.personaId}\u0000${next.personaId}`;
        let move = moves.get(key);
        if (!move) {
          move = { from: old.personaId, to: next.personaId, count: 0, samples: [] };
          moves.set(key, move);
        }
        move.count += 1;
        if (move.samples.length < samplesPerMove) {
          const former = detailed.personas.find((p) => p.personaId === old.personaId);
          move.samples.push({
            contactId: item.contact.id,
            email: item.contact.email,
            name: contactName(item),
            // Explained again for the few samples only: the facts behind company and survey rules.
            before: brief(before.explainAll(subject, now).assignment),
            after: brief(next),
            formerUnderDraft: former
              ? {
                  personaId: former.personaId,
                  score: former.score,
                  threshold: former.threshold,
                  firedRules: former.rules.filter((r) => r.fired).map(({ fired: _fired, ...rule }) => rule),
                }
              : null,
          });
        }
      }
    }

    const coverage = draft.personas.map((p, i) => ({
      personaId: p.id,
      name: p.name,
      qualifying: qualifying[i],
      primary: afterCounts[p.id] ?? 0,
    }));
    return {
      liveVersion: live.version,
      contacts,
      before: beforeCounts,
      after: afterCounts,
      moves: [...moves.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      unchanged,
      coverage,
      unmatchedPersonas: coverage.filter((c) => c.qualifying === 0).map((c) => c.personaId),
      silentRules: draft.personas.flatMap((p, i) =>
        p.rules
          .map((rule, r) => ({ personaId: p.id, ruleIndex: r, label: rule.label, fired: ruleFired[i][r] }))
          .filter((r) => !r.fired)
          .map(({ personaId, ruleIndex, label }) => ({ personaId, ruleIndex, label })),
      ),
      changes: diffRuleSets(live.ruleSet, draft),
    };
  }

  /**
   * Publishes a new version. Refused when invalid (the live version stays live). HubSpot's options
   * are reconciled first, so a HubSpot failure publishes nothing; then the version is stored,
   * audited with its diff, and the portal is rescored. A publish that moves contacts out of persona
   * values HubSpot lists or workflows use is refused (409) unless `confirmAffected` names their number.
   */
  async publish(
    portalId: PortalId,
    input: unknown,
    by: { actor: string; note?: string | null; confirmAffected?: number },
  ): Promise<PublishResult> {
    const ruleSet = this.parseOrRefuse(input);
    await this.confirmLeaving(portalId, ruleSet, by.confirmAffected, 'publish');
    return this.makeLive(portalId, ruleSet, by.actor, by.note ?? null, 'publish');
  }

  /**
   * Republishes an earlier version as a new version, so history only ever grows. It moves contacts
   * as a publish does, so it needs the same typed confirmation when they leave values HubSpot uses.
   */
  async rollback(portalId: PortalId, toVersion: number, by: { actor: string; confirmAffected?: number }): Promise<PublishResult> {
    const target = await this.deps.ruleSets.get(portalId, toVersion);
    if (!target) throw new AppError('not_found', `Rule set version ${toVersion} does not exist`);
    const ruleSet = this.parseOrRefuse(target.body);
    await this.confirmLeaving(portalId, ruleSet, by.confirmAffected, 'rollback');
    return this.makeLive(portalId, ruleSet, by.actor, `rollback to version ${toVersion}`, 'rollback');
  }

  private async confirmLeaving(
    portalId: PortalId,
    ruleSet: RuleSet,
    confirmAffected: number | undefined,
    action: 'publish' | 'rollback',
  ): Promise<void> {
    if (!this.deps.personaUsage) return;
    await requirePublishConfirmation({
      portalId,
      preview: await this.preview(portalId, ruleSet, { samplesPerMove: 0 }),
      draft: ruleSet,
      usage: this.deps.personaUsage,
      confirmAffected,
      action,
    });
  }

  private async makeLive(
    portalId: PortalId,
    ruleSet: RuleSet,
    actor: string,
    note: string | null,
    action: 'publish' | 'rollback',
  ): Promise<PublishResult> {
    const previous = await this.live(portalId);
    await this.deps.syncPropertyOptions(portalId, ruleSet);
    const now = this.deps.clock.now();
    const version = await this.deps.ruleSets.add(portalId, { body: ruleSet, status: 'published', createdBy: actor, note }, now);
    this.deps.rules.invalidate(portalId);
    const changes = diffRuleSets(previous.ruleSet, ruleSet);
    await this.deps.audit.append({
      portalId,
      actor,
      action: `ruleset.${action}`,
      target: `ruleset:${version.version}`,
      diff: { fromVersion: previous.version, toVersion: version.version, note, changes },
      at: now,
    });
    await this.deps.rescore(portalId, `ruleset:${version.version}`);
    return { version, changes };
  }

  /** The audit trail, newest first: who did what, when, with the diff. */
  async auditLog(portalId: PortalId, options: { limit: number; beforeId?: number }) {
    return this.deps.audit.list(portalId, options);
  }

  async versions(portalId: PortalId): Promise<RuleSetVersion[]> {
    return this.deps.ruleSets.list(portalId);
  }

  async version(portalId: PortalId, version: number): Promise<RuleSetVersion> {
    const found = await this.deps.ruleSets.get(portalId, version);
    if (!found) throw new AppError('not_found', `Rule set version ${version} does not exist`);
    return found;
  }
}

import type { AuditStore } from '../audit/audit-store';
import { evaluationSubject, type CrmStore } from '../crm/crm-store';
import type { PortalId, PropertyBag } from '../crm/model';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { AssignmentStore } from './assignment-store';
import type { DetailedEvaluation, RuleSet } from './engine';
import type { RuleSetService } from './rule-set-service';
import type { ManualOverride } from './writeback';

export interface ContactPersonaServiceDeps {
  readonly crm: Pick<CrmStore, 'searchContacts' | 'getContactsWithTickets'>;
  readonly assignments: Pick<AssignmentStore, 'get' | 'getMany' | 'setOverride'>;
  readonly rules: Pick<RuleSetService, 'liveOrDefault'>;
  readonly audit: Pick<AuditStore, 'append'>;
  readonly clock: Clock;
  /**
   * Applies an admin's override (null = clear it). Default: only the stored record. Wire the
   * assignment service's version so HubSpot follows: the manual value is written, and a cleared
   * override lets the computed value be written again.
   */
  readonly applyOverride?: (portalId: PortalId, contactId: string, override: ManualOverride | null) => Promise<void>;
}

export interface ContactMatch {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly jobtitle: string | null;
  readonly company: string | null;
  readonly personaId: string | null;
  readonly overridePersona: string | null;
}

export interface ContactExplanation {
  readonly contact: { readonly id: string; readonly email: string | null; readonly properties: PropertyBag; readonly tickets: number };
  readonly ruleSetVersion: number | null;
  /** Every persona's score and every rule's result under the live rule set, now. */
  readonly evaluation: DetailedEvaluation;
  readonly stored: {
    readonly personaId: string;
    readonly score: number;
    readonly computedAt: number;
    readonly ruleSetVersion: number;
    readonly written: unknown;
    readonly override: ManualOverride | null;
  } | null;
  /** The ids an override may name: every persona and the unassigned id. */
  readonly personas: readonly { readonly id: string; readonly name: string }[];
}

/** Persona ids with their display names, the unassigned id included. */
export function personaNames(ruleSet: RuleSet): Map<string, string> {
  const names = new Map(ruleSet.personas.map((p) => [p.id, p.name] as const));
  names.set(ruleSet.unassigned.id, ruleSet.unassigned.label);
  return names;
}

/** What an admin does with one contact: find it, see why it has its persona, and override that by hand. */
export class ContactPersonaService {
  constructor(private readonly deps: ContactPersonaServiceDeps) {}

  async search(portalId: PortalId, query: string, limit = 25): Promise<ContactMatch[]> {
    if (query === '') return [];
    const contacts = await this.deps.crm.searchContacts(portalId, query, limit);
    const assignments = await this.deps.assignments.getMany(
      portalId,
      contacts.map((c) => c.id),
    );
    return contacts.map((c) => {
      const a = assignments.get(c.id);
      return {
        id: c.id,
        email: c.email,
        name: [c.properties.firstname, c.properties.lastname].filter(Boolean).join(' ') || null,
        jobtitle: c.properties.jobtitle ?? null,
        company: c.properties.company ?? null,
        personaId: a?.personaId ?? null,
        overridePersona: a?.override?.persona ?? null,
      };
    });
  }

  async explain(portalId: PortalId, contactId: string): Promise<ContactExplanation> {
    const found = (await this.deps.crm.getContactsWithTickets(portalId, [contactId])).get(contactId);
    if (!found) throw new AppError('not_found', `Contact ${contactId} is not stored for this portal`);
    const live = await this.deps.rules.liveOrDefault(portalId);
    const evaluation = live.compiled.explainAll(evaluationSubject(found), this.deps.clock.now());
    const stored = await this.deps.assignments.get(portalId, contactId);
    return {
      contact: { id: found.contact.id, email: found.contact.email, properties: found.contact.properties, tickets: found.tickets.length },
      ruleSetVersion: live.version,
      evaluation,
      stored: stored
        ? {
            personaId: stored.personaId,
            score: stored.score,
            computedAt: stored.computedAt,
            ruleSetVersion: stored.ruleSetVersion,
            written: stored.written,
            override: stored.override,
          }
        : null,
      personas: [...personaNames(live.ruleSet)].map(([id, name]) => ({ id, name })),
    };
  }

  /** Sets a manual persona (audited); refuses an id the live rule set does not have, or a contact never scored. */
  async setOverride(portalId: PortalId, contactId: string, personaId: string, actor: string): Promise<ManualOverride> {
    const live = await this.deps.rules.liveOrDefault(portalId);
    if (!personaNames(live.ruleSet).has(personaId)) {
      throw new AppError('validation_failed', `Unknown persona "${personaId}"`, {
        details: [{ path: 'personaId', message: 'not a persona of the live rule set' }],
      });
    }
    if (!(await this.deps.assignments.get(portalId, contactId)))
      throw new AppError('not_found', `Contact ${contactId} has no assignment yet`);
    const override: ManualOverride = { persona: personaId, by: actor, at: this.deps.clock.now() };
    await this.apply(portalId, contactId, override);
    await this.deps.audit.append({
      portalId,
      actor,
      action: 'override.set',
      target: `contact:${contactId}`,
      diff: { personaId },
      at: override.at,
    });
    return override;
  }

  /** Clears the manual persona (audited): the rules decide again. */
  async clearOverride(portalId: PortalId, contactId: string, actor: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.apply(portalId, contactId, null);
    await this.deps.audit.append({ portalId, actor, action: 'override.clear', target: `contact:${contactId}`, diff: null, at: now });
  }

  private apply(portalId: PortalId, contactId: string, override: ManualOverride | null): Promise<void> {
    return this.deps.applyOverride
      ? this.deps.applyOverride(portalId, contactId, override)
      : this.deps.assignments.setOverride(portalId, contactId, override);
  }
}

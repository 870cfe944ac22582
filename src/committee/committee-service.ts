import type { CompanyContactPersona, CrmStore, WrittenCoverage } from '../crm/crm-store';
import type { HubSpotGateways } from '../crm/hubspot-port';
import type { PortalId } from '../crm/model';
import type { RuleSet } from '../personas/engine';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { committeePropertyNames, coveragePatch, diffCoverage } from './coverage';

/** HubSpot's batch update takes at most 100 inputs. */
const WRITE_BATCH = 100;
/** Companies read from the store at a time: several write batches, few queries. */
const READ_CHUNK = 500;
/** Companies per range read of a full recompute. */
const RANGE_CHUNK = 5_000;
/** Company ids listed per page of a full recompute: ids only, and each page costs a scan of the links after its cursor. */
const ID_PAGE = 50_000;
/** Writing company properties needs this scope; portals installed before the committee lack it until reinstalled. */
export const COMPANY_WRITE_SCOPE = 'crm.objects.companies.write';

export interface CommitteeWriteResult {
  /** Companies whose values were computed. */
  companies: number;
  /** Companies HubSpot accepted new values for. */
  written: number;
  /** Batch update requests sent. */
  requests: number;
  /** Companies HubSpot refused (left unrecorded, so the next recompute tries again). */
  failed: number;
  /** True when the portal has not granted the company write scope: nothing was computed or sent. */
  skipped: boolean;
}

interface Run {
  ruleSet: RuleSet;
  result: CommitteeWriteResult;
  /** Companies to write, carried across store chunks so every batch but the last is full. */
  pending: { companyId: string; values: WrittenCoverage; lastWritten: WrittenCoverage | null }[];
  /** Aborted if the portal's mutex is lost mid-run: no batch goes out after that. */
  held: AbortSignal;
}

export interface CommitteeServiceDeps {
  crm: CrmStore;
  gateways: HubSpotGateways;
  ruleSet: (portalId: PortalId) => Promise<RuleSet>;
  grantedScopes: (portalId: PortalId) => Promise<readonly string[]>;
  clock: Clock;
  logger: Logger;
  /**
   * Runs one portal's refreshes one at a time — across every process in scale mode — so two never
   * read the same "last written" values and send the same write twice, and an older computation never
   * overwrites a newer one.
   */
  exclusive: <T>(portalId: PortalId, task: (held: AbortSignal) => Promise<T>) => Promise<T>;
}

/**
 * Keeps `<name>_coverage` and `<name>_gaps` current on companies: recomputes the companies named
 * (or every company, after a full sync or a publish) from the store and writes only those whose
 * values differ from what was last written, in batches of 100 through the portal's rate-limited
 * gateway. One portal's refreshes run one at a time (`exclusive`), each reading "last written" inside it.
 */
export class CommitteeService {
  constructor(private readonly deps: CommitteeServiceDeps) {}

  /** The companies a change to these contacts concerns (read it before links are replaced or contacts purged). */
  companiesOfContacts(portalId: PortalId, contactIds: readonly string[]): Promise<string[]> {
    if (contactIds.length === 0) return Promise.resolve([]);
    return this.deps.crm.companyIdsOfContacts(portalId, contactIds);
  }

  refreshCompanies(portalId: PortalId, companyIds: readonly string[]): Promise<CommitteeWriteResult> {
    const ids = [...new Set(companyIds)].sort();
    return this.deps.exclusive(portalId, async (held) => {
      const run = await this.start(portalId, held);
      if ('skipped' in run) return run.skipped;
      if (ids.length === 0) return run.result;
      for (let i = 0; i < ids.length; i += READ_CHUNK) await this.refreshChunk(portalId, run, ids.slice(i, i + READ_CHUNK));
      await this.flush(portalId, run, true);
      return run.result;
    });
  }

  /** Every company with associated contacts, and every company written before (it may need emptying). */
  refreshAll(portalId: PortalId): Promise<CommitteeWriteResult> {
    return this.deps.exclusive(portalId, async (held) => {
      const run = await this.start(portalId, held);
      if ('skipped' in run) return run.skipped;
      let after: string | null = null;
      for (;;) {
        const ids = await this.deps.crm.companyIdsForCoverage(portalId, after, ID_PAGE);
        if (ids.length === 0) break;
        // Read by id range, a few thousand companies at a time: one join per range, no id lists.
        for (let i = 0; i < ids.length; i += RANGE_CHUNK) {
          const part = ids.slice(i, i + RANGE_CHUNK);
          const contacts = await this.deps.crm.contactPersonasOfCompanyRange(portalId, { after, through: part[part.length - 1] });
          await this.refreshChunk(portalId, run, part, contacts);
          after = part[part.length - 1];
        }
      }
      await this.flush(portalId, run, true);
      this.deps.logger.info({ portalId, ...run.result }, 'buying committee recomputed');
      return run.result;
    });
  }

  private async start(portalId: PortalId, held: AbortSignal): Promise<Run | { skipped: CommitteeWriteResult }> {
    const result: CommitteeWriteResult = { companies: 0, written: 0, requests: 0, failed: 0, skipped: false };
    const scopes = await this.deps.grantedScopes(portalId);
    if (!scopes.includes(COMPANY_WRITE_SCOPE)) {
      this.deps.logger.warn({ portalId }, 'buying committee not written: the portal has not granted crm.objects.companies.write');
      return { skipped: { ...result, skipped: true } };
    }
    return { ruleSet: await this.deps.ruleSet(portalId), result, pending: [], held };
  }

  /** Diffs these companies against what was last written; `known` when their contacts were already read. */
  private async refreshChunk(
    portalId: PortalId,
    run: Run,
    ids: readonly string[],
    known?: Map<string, CompanyContactPersona[]>,
  ): Promise<void> {
    const { crm } = this.deps;
    const [contacts, written] = await Promise.all([
      known ?? crm.contactPersonasOfCompanies(portalId, ids),
      crm.writtenCoverage(portalId, ids),
    ]);
    for (const companyId of ids) {
      const lastWritten = written.get(companyId) ?? null;
      const values = diffCoverage({
        ruleSet: run.ruleSet,
        contactPersonaIds: (contacts.get(companyId) ?? []).map((c) => c.personaId),
        lastWritten,
      });
      if (values !== null) run.pending.push({ companyId, values, lastWritten });
    }
    run.result.companies += ids.length;
    await this.flush(portalId, run, false);
  }

  /** Sends the full batches of pending writes (and the last partial one when `all`), recording what HubSpot accepted. */
  private async flush(portalId: PortalId, run: Run, all: boolean): Promise<void> {
    const { crm } = this.deps;
    const names = committeePropertyNames(run.ruleSet.property);
    const hubspot = this.deps.gateways.forPortal(portalId);
    while (run.pending.length >= WRITE_BATCH || (all && run.pending.length > 0)) {
      // Without the mutex another process may be writing the same companies from newer data.
      run.held.throwIfAborted();
      const batch = run.pending.splice(0, WRITE_BATCH);
      run.result.requests += 1;
      const outcome = await hubspot.updateCompanies(
        batch.map((p) => ({ id: p.companyId, properties: coveragePatch(names, p.values, p.lastWritten) })),
      );
      const accepted = new Set(outcome.written);
      await crm.markCoverageWritten(
        portalId,
        batch.filter((p) => accepted.has(p.companyId)),
        this.deps.clock.now(),
      );
      run.result.written += accepted.size;
      // A company deleted in HubSpot has nothing left to write to: forget it rather than retry forever.
      const gone = outcome.failed.filter((f) => f.notFound).map((f) => f.id);
      if (gone.length > 0) await crm.deleteCompanies(portalId, gone);
      const refused = outcome.failed.filter((f) => !f.notFound);
      if (refused.length > 0) {
        run.result.failed += refused.length;
        this.deps.logger.warn({ portalId, failed: refused.slice(0, 5) }, 'HubSpot refused some buying-committee writes');
      }
    }
  }
}

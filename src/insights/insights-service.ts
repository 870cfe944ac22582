import type { PortalId } from '../crm/model';
import { compileRuleSet, type RuleSet, validateRuleSet } from '../personas/engine';
import { AppError } from '../platform/errors';
import { discoverPersonasInSteps, recoveryAgainst, type DiscoveryOptions, type DiscoveryReport } from './discover-personas';
import type { DiscoveryProgress } from './discovery-runs';
import { suggestionsToDraftRuleSet } from './draft-persona';
import { compareSnapshots, type DriftOptions, type DriftReport } from './drift';
import type { FeatureOptions } from './feature-catalogue';
import { FeatureAccumulator } from './feature-extraction';
import { evaluateHypotheses, PersonaMetricAccumulator } from './hypothesis-evaluation';
import type {
  AnalysisContactSource,
  AssignmentHistoryReader,
  InsightsClock,
  InsightsReportKind,
  InsightsReportStore,
  LiveRuleSetReader,
  PilotResultStore,
  PlantedGroupReader,
  StoredReportSummary,
} from './insights-ports';
import type { PilotPropertyMapping } from './pilot-from-properties';
import { exposuresFromProperties, resolveExposures } from './pilot-exposures';
import type { DraftPreview, PilotImportResult, PilotSummary, ReviewKind, ReviewReport, ValidationReport } from './insights-reports';
import { parsePilotFile, type PilotRow } from './pilot-import';
import { latestVerdicts, shareHistoryOf, type PersonaVerdict, type ShareHistory } from './persona-history';
import { analysePilot, type PilotAnalysis, type PilotAnalysisOptions, type PilotExposure } from './pilot-statistics';

export interface InsightsConfig {
  readonly discovery?: DiscoveryOptions & Omit<FeatureOptions, 'now'>;
  readonly pilot?: PilotAnalysisOptions;
  /** Contacts needed before a hypothesis can be called supported or refuted. */
  readonly hypothesisMinSample?: number;
  /** How far back the quarterly review looks for its baseline snapshot. */
  readonly quarterDays?: number;
  readonly drift?: DriftOptions;
  /** Read pilot outcomes from contact properties when no pilot file has been imported. */
  readonly pilotProperties?: PilotPropertyMapping;
  /** Fewer contacts than this and discovery refuses to cluster. */
  readonly minContactsForDiscovery?: number;
}

export interface InsightsServiceDeps {
  readonly contacts: AnalysisContactSource;
  readonly assignments: AssignmentHistoryReader;
  readonly reports: InsightsReportStore;
  readonly pilots: PilotResultStore;
  readonly ruleSets: LiveRuleSetReader;
  readonly clock: InsightsClock;
  readonly config?: InsightsConfig;
  /** Given on sandbox portals, so the discovery report states how well it recovered the planted groups. */
  readonly plantedGroups?: PlantedGroupReader;
}

export type { PersonaVerdict, ShareHistory };

const DAY_MS = 86_400_000;
const VERDICT_CACHE_MS = 30_000;

/**
 * Discovery, pilot validation and drift review for one portal at a time, over ports the storage
 * layer implements. Every run's report is stored, so the API and the admin page can list them.
 */
export class InsightsService {
  private readonly config: InsightsConfig;
  private readonly verdictCache = new Map<PortalId, { verdicts: ReadonlyMap<string, PersonaVerdict>; until: number }>();

  constructor(private readonly deps: InsightsServiceDeps) {
    this.config = deps.config ?? {};
  }

  /**
   * Clusters the portal's contacts and stores the report. `progress` hears each phase (reading
   * contacts: done of the portal's count; clustering: candidate clusterings fitted), and is awaited,
   * so a long run yields to other work between steps.
   */
  async discover(
    portalId: PortalId,
    progress: (p: DiscoveryProgress) => Promise<void> = async () => undefined,
  ): Promise<{ id: string; report: DiscoveryReport }> {
    const now = this.deps.clock.now();
    const accumulator = new FeatureAccumulator({ ...this.config.discovery, now });
    const total = (await this.deps.contacts.countForAnalysis?.(portalId)) ?? null;
    await progress({ phase: 'reading contacts', done: 0, total });
    for await (const contact of this.deps.contacts.streamForAnalysis(portalId)) {
      accumulator.add(contact);
      if (accumulator.size % 500 === 0) await progress({ phase: 'reading contacts', done: accumulator.size, total });
    }
    const minimum = this.config.minContactsForDiscovery ?? 20;
    if (accumulator.size < minimum) {
      throw new AppError('bad_request', `discovery needs at least ${minimum} contacts; portal ${portalId} has ${accumulator.size}`);
    }
    const liveRuleSet = await this.deps.ruleSets.live(portalId);
    const steps = discoverPersonasInSteps(accumulator.build(), { portalId, now, liveRuleSet }, this.config.discovery);
    let step = steps.next();
    for (; !step.done; step = steps.next()) await progress({ phase: 'clustering', ...step.value });
    const outcome = step.value;
    await progress({ phase: 'saving', done: 0, total: 1 });
    const planted = this.deps.plantedGroups;
    const recovery = planted ? recoveryAgainst(outcome, (contactId) => planted.groupOf(portalId, contactId)) : undefined;
    const report: DiscoveryReport = recovery ? { ...outcome.report, recovery } : outcome.report;
    const { id } = await this.deps.reports.save(portalId, {
      kind: 'discovery',
      title: `Discovery: ${report.k} clusters in ${report.contacts.toLocaleString('en-US')} contacts`,
      createdAt: report.generatedAt,
      body: report,
    });
    return { id, report };
  }

  /** Validates the whole file before storing anything; a bad file changes nothing. */
  async importPilot(portalId: PortalId, fileName: string, content: string): Promise<PilotImportResult> {
    const parsed = parsePilotFile(fileName, content);
    if (!parsed.ok) return { ok: false, errors: parsed.errors, truncated: parsed.truncated };
    const { exposures, unmatched } = await resolveExposures(this.deps.contacts, portalId, parsed.rows, null);
    if (exposures.length === 0) {
      return {
        ok: false,
        errors: [{ line: 1, message: `none of the ${unmatched.contacts} contacts in the file is a contact of portal ${portalId}` }],
        truncated: 0,
      };
    }
    const { id } = await this.deps.pilots.replaceImport(portalId, {
      fileName,
      importedAt: new Date(this.deps.clock.now()).toISOString(),
      rows: parsed.rows,
    });
    return { ok: true, id, format: parsed.format, rows: parsed.rows.length, contacts: exposures.length, unmatched: unmatched.contacts };
  }

  /**
   * Pilot results come from the latest imported file; with `fromProperties` (or, when no file was
   * imported, the configured `pilotProperties`) they are read from contact properties instead.
   */
  async validate(
    portalId: PortalId,
    options: { readonly fromProperties?: PilotPropertyMapping } = {},
  ): Promise<{ id: string; report: ValidationReport }> {
    const now = this.deps.clock.now();
    const ruleSet = await this.deps.ruleSets.live(portalId);
    const unassignedId = ruleSet?.unassigned.id ?? 'unassigned';
    const imported = options.fromProperties ? null : await this.deps.pilots.latest(portalId);
    const mapping = options.fromProperties ?? (imported ? undefined : this.config.pilotProperties);
    const metrics = new PersonaMetricAccumulator();
    let pilot: PilotSummary | null = null;
    let analysis: PilotAnalysis | null = null;
    const notes: string[] = [];
    if (mapping) {
      const exposures = await exposuresFromProperties(this.deps.contacts, portalId, mapping, metrics, unassignedId);
      analysis =
        exposures.length > 0
          ? analysePilot(exposures, { ...this.config.pilot, outcomes: Object.keys(mapping.outcomes).map((o) => o.toLowerCase()) })
          : null;
      notes.push(
        `Pilot read from contact properties: variant in "${mapping.variantProperty}", outcomes ${Object.entries(mapping.outcomes)
          .map(([o, p]) => `${o} = ${p}`)
          .join(', ')}.`,
      );
      if (exposures.length === 0) notes.push(`No contact has a value in "${mapping.variantProperty}".`);
    } else {
      const { exposures, unmatched } = await resolveExposures(this.deps.contacts, portalId, imported?.rows ?? [], metrics, unassignedId);
      analysis = this.analyse(imported?.rows ?? [], exposures);
      if (imported) {
        pilot = {
          id: imported.id,
          fileName: imported.fileName,
          importedAt: imported.importedAt,
          rows: imported.rows.length,
          contacts: exposures.length,
          unmatched,
        };
      }
      if (!imported) notes.push('No pilot results imported yet; hypotheses on pilot:<outcome> metrics stay not yet known.');
      if (unmatched.contacts > 0) notes.push(`${unmatched.contacts} pilot contacts are not in the portal and were left out.`);
    }
    if (analysis) notes.push('Pilot contacts are grouped by their current effective persona.');
    const hypotheses = evaluateHypotheses(ruleSet?.personas ?? [], metrics.result(), analysis, {
      minSample: this.config.hypothesisMinSample,
    });
    if (!ruleSet) notes.push('No live rule set: there are no hypotheses to evaluate.');
    const report: ValidationReport = {
      kind: 'validation',
      portalId,
      generatedAt: new Date(now).toISOString(),
      pilot,
      analysis,
      hypotheses,
      notes,
    };
    const title = `Validation of ${pilot?.fileName ?? (mapping ? `pilot in ${mapping.variantProperty}` : 'hypotheses')}`;
    const { id } = await this.deps.reports.save(portalId, { kind: 'validation', title, createdAt: report.generatedAt, body: report });
    this.verdictCache.delete(portalId);
    return { id, report };
  }

  /**
   * Nightly: the latest snapshot against the one before it. Quarterly: the latest against the
   * oldest snapshot within the last `quarterDays` (default 90).
   */
  async review(portalId: PortalId, kind: ReviewKind = 'quarterly'): Promise<{ id: string; report: ReviewReport }> {
    const now = this.deps.clock.now();
    const ruleSet = await this.deps.ruleSets.live(portalId);
    const unassignedId = ruleSet?.unassigned.id ?? 'unassigned';
    const windowDays = kind === 'nightly' ? 2 : (this.config.quarterDays ?? 90);
    const since = new Date(now - windowDays * DAY_MS).toISOString();
    const history = await this.deps.assignments.listSnapshots(portalId, { since });
    const notes: string[] = [];
    let drift: DriftReport | null = null;
    const pilot = await this.deps.pilots.latest(portalId);
    const metrics = new PersonaMetricAccumulator();
    const { exposures } = await resolveExposures(this.deps.contacts, portalId, pilot?.rows ?? [], metrics, unassignedId);
    const analysis = this.analyse(pilot?.rows ?? [], exposures);
    const hypotheses = evaluateHypotheses(ruleSet?.personas ?? [], metrics.result(), analysis, {
      minSample: this.config.hypothesisMinSample,
    });
    if (history.length >= 2) {
      const baseline = kind === 'nightly' ? history[history.length - 2] : history[0];
      const latest = history[history.length - 1];
      const [earlier, later] = await Promise.all([
        this.deps.assignments.readSnapshot(portalId, baseline.id),
        this.deps.assignments.readSnapshot(portalId, latest.id),
      ]);
      if (earlier && later) {
        const liveRules = (ruleSet?.personas ?? []).flatMap((persona) =>
          persona.rules.map((rule) => ({ personaId: persona.id, label: rule.label })),
        );
        drift = compareSnapshots(earlier, later, { history, liveRules, hypotheses }, { unassignedId, ...this.config.drift });
      } else {
        notes.push('A snapshot listed in the history could not be read; drift was not computed.');
      }
    } else {
      notes.push(`Drift needs two assignment snapshots since ${since.slice(0, 10)}; found ${history.length}.`);
    }
    const report: ReviewReport = { kind: `review-${kind}`, portalId, generatedAt: new Date(now).toISOString(), drift, hypotheses, notes };
    const { id } = await this.deps.reports.save(portalId, {
      kind: report.kind,
      title: `${kind === 'nightly' ? 'Nightly' : 'Quarterly'} review: ${drift ? drift.findings.length : 0} findings`,
      createdAt: report.generatedAt,
      body: report,
    });
    return { id, report };
  }

  /** What a draft rule set would assign on the portal today, before anyone makes it live. */
  async previewDraft(portalId: PortalId, draft: unknown): Promise<DraftPreview> {
    const validation = validateRuleSet(draft);
    if (!validation.ok) {
      throw new AppError('validation_failed', 'the draft rule set is invalid', {
        details: validation.errors.map((error) => ({ path: error.path, message: error.message })),
      });
    }
    const ruleSet: RuleSet = validation.ruleSet;
    const live = await this.deps.ruleSets.live(portalId);
    const liveIds = new Set(live?.personas.map((p) => p.id) ?? []);
    const compiled = compileRuleSet(ruleSet);
    const now = this.deps.clock.now();
    const counts = new Map<string, number>();
    let contacts = 0;
    let wouldChange = 0;
    for await (const contact of this.deps.contacts.streamForAnalysis(portalId)) {
      const assignment = compiled.assign(contact, now);
      contacts++;
      counts.set(assignment.personaId, (counts.get(assignment.personaId) ?? 0) + 1);
      if ((contact.personaId ?? ruleSet.unassigned.id) !== assignment.personaId) wouldChange++;
    }
    const ids = [...ruleSet.personas.map((p) => p.id), ruleSet.unassigned.id];
    return {
      contacts,
      personas: ids.map((personaId) => ({
        personaId,
        contacts: counts.get(personaId) ?? 0,
        share: contacts > 0 ? (counts.get(personaId) ?? 0) / contacts : 0,
        draft: personaId !== ruleSet.unassigned.id && !liveIds.has(personaId),
      })),
      wouldChange,
    };
  }

  /**
   * Turns chosen clusters of a stored discovery report into a draft rule set (the live one plus
   * the chosen draft personas) and previews it on the portal. Nothing goes live here.
   */
  async draftFromDiscovery(
    portalId: PortalId,
    reportId: string,
    clusterIndexes: readonly number[],
  ): Promise<{ ruleSet: RuleSet; preview: DraftPreview }> {
    const stored = await this.getReport(portalId, reportId);
    if (stored.kind !== 'discovery')
      throw new AppError('bad_request', `report ${reportId} is a ${stored.kind} report, not a discovery report`);
    const report = stored.body as DiscoveryReport;
    const missing = clusterIndexes.filter((index) => !report.clusters.some((cluster) => cluster.index === index));
    if (missing.length > 0 || clusterIndexes.length === 0) {
      throw new AppError(
        'bad_request',
        `choose clusters among ${report.clusters.map((c) => c.index).join(', ')}` +
          (missing.length ? `; unknown: ${missing.join(', ')}` : ''),
      );
    }
    const live = await this.deps.ruleSets.live(portalId);
    if (!live) throw new AppError('conflict', `portal ${portalId} has no live rule set to add drafts to`);
    const chosen = clusterIndexes.map((index) => report.clusters.find((cluster) => cluster.index === index)!.suggestion);
    const ruleSet = suggestionsToDraftRuleSet(live, chosen);
    return { ruleSet, preview: await this.previewDraft(portalId, ruleSet) };
  }

  /** Each persona's share of contacts per nightly snapshot, oldest first (see shareHistoryOf). */
  async shareHistory(portalId: PortalId, points = 60): Promise<ShareHistory> {
    return shareHistoryOf(this.deps.assignments, await this.deps.ruleSets.live(portalId), portalId, points);
  }

  /** The latest validation's verdict on each persona's hypothesis, for the gallery and the card. */
  async personaVerdicts(portalId: PortalId): Promise<ReadonlyMap<string, PersonaVerdict>> {
    // Every card view asks: keep the answer for a while rather than reading the report each time.
    const cached = this.verdictCache.get(portalId);
    const now = this.deps.clock.now();
    if (cached && cached.until > now) return cached.verdicts;
    const verdicts = await latestVerdicts(this.deps.reports, portalId);
    this.verdictCache.set(portalId, { verdicts, until: now + VERDICT_CACHE_MS });
    return verdicts;
  }

  listReports(portalId: PortalId, options?: { kind?: InsightsReportKind; limit?: number }): Promise<readonly StoredReportSummary[]> {
    return this.deps.reports.list(portalId, options);
  }

  async getReport(portalId: PortalId, reportId: string): Promise<StoredReportSummary & { body: unknown }> {
    const report = await this.deps.reports.get(portalId, reportId);
    if (!report) throw new AppError('not_found', `no insights report ${reportId} for portal ${portalId}`);
    return report;
  }

  private analyse(rows: readonly PilotRow[], exposures: readonly PilotExposure[]): PilotAnalysis | null {
    if (exposures.length === 0) return null;
    return analysePilot(exposures, { ...this.config.pilot, outcomes: [...new Set(rows.map((row) => row.outcome))] });
  }
}

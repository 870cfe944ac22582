import type { DiscoveryReport } from './discover-personas';
import type { DriftReport } from './drift';
import type { HypothesisVerdict } from './hypothesis-evaluation';
import type { InsightsReport, PilotImportResult, ReviewReport, ValidationReport } from './insights-reports';
import type { PilotAnalysis } from './pilot-statistics';

const pct = (value: number, digits = 1) => `${(value * 100).toFixed(digits)}%`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const pValue = (p: number | null) => (p === null ? '-' : p < 0.0001 ? '<0.0001' : p.toFixed(4));

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function heading(text: string): string[] {
  return [text, '='.repeat(text.length)];
}

function renderHypotheses(verdicts: readonly HypothesisVerdict[]): string[] {
  if (verdicts.length === 0) return ['No persona states a hypothesis.'];
  const mark = { supported: 'SUPPORTED', refuted: 'REFUTED', 'not-yet-known': 'NOT YET KNOWN' } as const;
  return verdicts.map((v) => `- ${v.personaName} (${v.personaId}): ${mark[v.status]}. ${v.explanation}`);
}

export function renderDiscoveryReport(report: DiscoveryReport): string {
  const out = [...heading(`Persona discovery for portal ${report.portalId}`), ''];
  out.push(`${int(report.contacts)} contacts, ${report.features.length} standardized features, generated ${report.generatedAt}.`);
  out.push(`Method: ${report.method}.`);
  out.push(
    `Chosen k = ${report.k} (mean silhouette ${report.silhouette.toFixed(3)}). Candidates: ` +
      report.candidates.map((c) => `k=${c.k}: ${c.silhouette.toFixed(3)}`).join(', ') +
      '.',
  );
  out.push(report.sampling.description);
  if (report.recovery) {
    out.push(
      `Recovery of planted groups: ${report.recovery.note}: ${report.recovery.adjustedRandIndex.toFixed(3)}` +
        (report.recovery.adjustedRandIndex >= 0.8 ? ' (target met).' : ' (BELOW the 0.8 target).'),
    );
  }
  out.push(`Took ${(report.durationMs / 1000).toFixed(1)} s.`, '');
  for (const cluster of report.clusters) {
    const s = cluster.suggestion;
    out.push(`Cluster ${cluster.index + 1}: ${s.persona.name} — ${int(cluster.size)} contacts (${pct(cluster.share)})`);
    out.push(`  ${cluster.summary}`);
    if (cluster.distinguishing.length > 0) {
      out.push("  Distinguishing features (Cohen's d against everyone else):");
      for (const contrast of cluster.distinguishing) out.push(`    - ${contrast.sentence}`);
    }
    if (cluster.subjectWords.length > 0) {
      out.push(`  Frequent ticket-subject words: ${cluster.subjectWords.map((w) => `${w.word} (${w.count})`).join(', ')}`);
    }
    // Reports stored before companies and surveys took part have no such fields.
    if ((cluster.commentWords ?? []).length > 0) {
      out.push(`  Frequent survey-comment words: ${cluster.commentWords.map((w) => `${w.word} (${w.count})`).join(', ')}`);
    }
    if (cluster.currentPersonas.length > 0) {
      out.push(`  Current personas here: ${cluster.currentPersonas.map((p) => `${p.value} (${pct(p.share)})`).join(', ')}`);
    }
    out.push(`  Draft persona "${s.persona.id}" (${s.persona.kind}: ${s.kindReason}), threshold ${s.persona.threshold}:`);
    for (const rule of s.rules) {
      out.push(
        `    ${String(rule.points).padStart(3)} pts  ${rule.label}  (fires for ${pct(rule.firesInCluster, 0)} of the cluster, ${pct(rule.firesInRest, 0)} of the rest)`,
      );
    }
    out.push(
      `    Would select ${int(s.estimate.selected)} contacts: precision ${pct(s.estimate.precision)}, recall ${pct(s.estimate.recall)} (estimated on the analysed features; preview with the engine before going live).`,
    );
    if (s.persona.hypothesis) {
      const h = s.persona.hypothesis;
      out.push(`    Proposed hypothesis: ${h.metric} ${h.op} ${h.value}`);
    }
    out.push('');
  }
  return out.join('\n');
}

function renderPilotAnalysis(analysis: PilotAnalysis): string[] {
  const out: string[] = [];
  out.push(
    `${int(analysis.contacts)} pilot contacts; variants ${analysis.variants.join(', ')} (control: ${analysis.control}); outcomes ${analysis.outcomes.join(', ')}.`,
  );
  const srm = analysis.sampleRatio.overall;
  out.push(
    `Sample ratio: ${Object.entries(srm.observed)
      .map(([v, n]) => `${v} ${int(n)} (expected ${int(srm.expected[v])})`)
      .join(', ')}; ` +
      `chi-square ${srm.chiSquare.toFixed(2)}, df ${srm.degreesOfFreedom}, p ${pValue(srm.pValue)}` +
      (srm.mismatch ? ' — MISMATCH: the split is not what was planned; fix assignment before trusting these results.' : ' — OK.'),
  );
  for (const [persona, check] of Object.entries(analysis.sampleRatio.perPersona)) {
    if (check.mismatch) out.push(`  Sample ratio mismatch within persona ${persona} (p ${pValue(check.pValue)}).`);
  }
  out.push('', `Rates per persona and variant (${pct(analysis.confidence, 0)} Wilson intervals):`);
  out.push(
    ...table(
      ['persona', 'variant', 'outcome', 'n', 'rate', 'interval'],
      analysis.arms.map((arm) => [
        arm.personaId,
        arm.variant,
        arm.outcome,
        int(arm.n),
        pct(arm.rate),
        `${pct(arm.interval[0])}–${pct(arm.interval[1])}`,
      ]),
    ).map((line) => `  ${line}`),
  );
  out.push(
    '',
    `Variant vs ${analysis.control}: two-proportion z-tests, Holm-corrected over ${analysis.correction.family} comparisons, alpha ${analysis.alpha}; minimum ${analysis.minSamplePerArm} contacts per arm.`,
  );
  out.push(
    ...table(
      ['persona', 'outcome', 'variant', 'control', 'variant rate', 'lift', 'p', 'adjusted p', 'verdict'],
      analysis.comparisons.map((c) => [
        c.personaId,
        c.outcome,
        c.variant,
        pct(c.controlRate),
        pct(c.variantRate),
        c.lift === null ? '-' : `${c.lift >= 0 ? '+' : ''}${pct(c.lift)}`,
        pValue(c.pValue),
        pValue(c.adjustedPValue),
        c.status === 'insufficient-sample'
          ? 'too few contacts'
          : c.status === 'no-variation'
            ? 'no variation'
            : c.significant
              ? c.difference > 0
                ? 'BETTER'
                : 'WORSE'
              : 'no clear difference',
      ]),
    ).map((line) => `  ${line}`),
  );
  out.push(`  Why Holm: ${analysis.correction.why}`);
  return out;
}

export function renderValidationReport(report: ValidationReport): string {
  const out = [...heading(`Persona validation for portal ${report.portalId}`), '', `Generated ${report.generatedAt}.`];
  if (report.pilot) {
    out.push(
      `Pilot "${report.pilot.fileName}" imported ${report.pilot.importedAt}: ${int(report.pilot.rows)} rows, ${int(report.pilot.contacts)} contacts matched` +
        (report.pilot.unmatched.contacts > 0
          ? `, ${int(report.pilot.unmatched.contacts)} not found (lines ${report.pilot.unmatched.lines.join(', ')}${report.pilot.unmatched.contacts > report.pilot.unmatched.lines.length ? ', …' : ''}).`
          : '.'),
    );
  }
  out.push('');
  if (report.analysis) out.push(...renderPilotAnalysis(report.analysis), '');
  out.push('Hypotheses:', ...renderHypotheses(report.hypotheses));
  if (report.notes.length > 0) out.push('', 'Notes:', ...report.notes.map((note) => `- ${note}`));
  return out.join('\n') + '\n';
}

function renderDrift(drift: DriftReport): string[] {
  const out: string[] = [];
  out.push(
    `Comparing ${drift.earlier.takenAt} (${int(drift.earlier.contacts)} contacts) with ${drift.later.takenAt} (${int(drift.later.contacts)} contacts).`,
  );
  out.push(`Persona mix PSI ${drift.mixPsi.psi.toFixed(3)} (${drift.mixPsi.level}; < 0.1 stable, 0.1–0.25 moderate, > 0.25 major).`, '');
  out.push(
    ...table(
      ['persona', 'share before', 'share now', 'PSI term', 'score PSI', 'level'],
      drift.personas.map((p) => [
        p.personaId,
        pct(p.earlierShare),
        pct(p.laterShare),
        p.shareContribution.toFixed(3),
        p.scorePsi.toFixed(3),
        p.level,
      ]),
    ).map((line) => `  ${line}`),
  );
  if (drift.unassignedShare.length > 0) {
    out.push('', `Unassigned share over time: ${drift.unassignedShare.map((u) => `${u.takenAt.slice(0, 10)} ${pct(u.share)}`).join(', ')}`);
  }
  out.push(
    `Contacts that changed persona: ${int(drift.moved.total)} (${pct(drift.moved.share)})` +
      (drift.moved.flows.length > 0
        ? `; largest flows: ${drift.moved.flows
            .slice(0, 5)
            .map((f) => `${f.from} -> ${f.to} ${int(f.contacts)}`)
            .join(', ')}`
        : ''),
  );
  out.push(
    `Rules that stopped firing: ${drift.rulesStoppedFiring.length === 0 ? 'none' : drift.rulesStoppedFiring.map((r) => `${r.personaId}: "${r.label}" (fired ${int(r.firedBefore)} before)`).join('; ')}`,
  );
  out.push('', 'Findings and what to do:');
  if (drift.findings.length === 0) out.push('- Nothing needs attention.');
  for (const finding of drift.findings) {
    out.push(
      `- [${finding.severity.toUpperCase()}] ${finding.kind} ${finding.subject}: ${finding.detail}`,
      `  What to do: ${finding.action}`,
    );
  }
  return out;
}

export function renderReviewReport(report: ReviewReport): string {
  const title = report.kind === 'review-nightly' ? 'Nightly persona review' : 'Quarterly persona review';
  const out = [...heading(`${title} for portal ${report.portalId}`), '', `Generated ${report.generatedAt}.`, ''];
  if (report.drift) out.push(...renderDrift(report.drift), '');
  out.push('Hypotheses:', ...renderHypotheses(report.hypotheses));
  if (report.notes.length > 0) out.push('', 'Notes:', ...report.notes.map((note) => `- ${note}`));
  return out.join('\n') + '\n';
}

/** Readable text for the CLI and logs; `--json` prints `JSON.stringify(report, null, 2)` instead. */
export function renderReport(report: InsightsReport): string {
  switch (report.kind) {
    case 'discovery':
      return renderDiscoveryReport(report);
    case 'validation':
      return renderValidationReport(report);
    default:
      return renderReviewReport(report);
  }
}

export function renderPilotImportResult(result: PilotImportResult, fileName: string): string {
  if (result.ok) {
    return (
      `Imported ${fileName} (${result.format}): ${int(result.rows)} rows, ${int(result.contacts)} contacts` +
      (result.unmatched > 0 ? `, ${int(result.unmatched)} not found in the portal.` : '.') +
      '\n'
    );
  }
  const lines = [`${fileName} was not imported (nothing was changed):`, ...result.errors.map((e) => `  line ${e.line}: ${e.message}`)];
  if (result.truncated > 0) lines.push(`  … and ${result.truncated} more errors.`);
  return lines.join('\n') + '\n';
}

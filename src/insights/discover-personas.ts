import type { RuleSet } from '../personas/engine';
import { adjustedRandIndex } from './adjusted-rand-index';
import {
  clusterContactsInSteps,
  type ClusterCountCandidate,
  type ClusteringOptions,
  type ClusteringStep,
  runToEnd,
  type SamplingNote,
} from './cluster-contacts';
import { describeClusters, type ClusterDescription, type DescribeOptions } from './describe-clusters';
import { proposeDraftPersonas, type DraftPersonaSuggestion } from './draft-persona';
import type { ExtractedFeatures } from './feature-extraction';
import { standardize } from './standardize';

export interface DiscoveryOptions extends ClusteringOptions, DescribeOptions {}

/**
 * Adjusted Rand index of the clusters against known groups (a sandbox portal's planted groups);
 * contacts whose group is null (no group, e.g. generated noise) are left out.
 */
export function recoveryAgainst(outcome: DiscoveryOutcome, groupOf: (contactId: string) => string | null): DiscoveryReport['recovery'] {
  const truth: string[] = [];
  const found: number[] = [];
  outcome.contactIds.forEach((contactId, i) => {
    const group = groupOf(contactId);
    if (group === null) return;
    truth.push(group);
    found.push(outcome.labels[i]);
  });
  if (truth.length < 2) return undefined;
  return {
    adjustedRandIndex: adjustedRandIndex(truth, found),
    contacts: truth.length,
    note: `adjusted Rand index against the planted groups over ${truth.length.toLocaleString('en-US')} contacts that belong to one (target >= 0.8)`,
  };
}

export interface DiscoveredCluster extends Omit<ClusterDescription, 'contrasts'> {
  readonly suggestion: DraftPersonaSuggestion;
}

/** The discovery report: JSON-ready (no typed arrays), what --json and the API return. */
export interface DiscoveryReport {
  readonly kind: 'discovery';
  readonly portalId: number;
  readonly generatedAt: string;
  readonly contacts: number;
  readonly method: string;
  readonly k: number;
  readonly silhouette: number;
  readonly candidates: readonly ClusterCountCandidate[];
  readonly sampling: SamplingNote;
  readonly features: readonly { readonly name: string; readonly label: string; readonly mean: number; readonly sd: number }[];
  readonly clusters: readonly DiscoveredCluster[];
  readonly durationMs: number;
  /** On sandbox portals with planted groups: how well the clusters recover them. */
  readonly recovery?: { readonly adjustedRandIndex: number; readonly contacts: number; readonly note: string };
}

export interface DiscoveryOutcome {
  readonly report: DiscoveryReport;
  /** Cluster of each analysed contact, in the order of `contactIds` (clusters renumbered by size). */
  readonly labels: Int32Array;
  readonly contactIds: readonly string[];
}

/**
 * From extracted features to described clusters and draft personas: standardize, choose k and
 * cluster, renumber clusters largest first, describe each and propose a draft persona.
 */
export function discoverPersonas(
  extracted: ExtractedFeatures,
  context: { readonly portalId: number; readonly now: number; readonly liveRuleSet?: RuleSet | null },
  options: DiscoveryOptions = {},
): DiscoveryOutcome {
  return runToEnd(discoverPersonasInSteps(extracted, context, options));
}

/** discoverPersonas, pausing after each clustering step (see clusterContactsInSteps). */
export function* discoverPersonasInSteps(
  extracted: ExtractedFeatures,
  context: { readonly portalId: number; readonly now: number; readonly liveRuleSet?: RuleSet | null },
  options: DiscoveryOptions = {},
): Generator<ClusteringStep, DiscoveryOutcome> {
  const started = Date.now();
  const { values, standardization } = standardize(extracted);
  const clustering = yield* clusterContactsInSteps({ n: extracted.n, d: extracted.d, values }, options);
  const sizes = new Int32Array(clustering.k);
  for (const label of clustering.labels) sizes[label]++;
  const order = Array.from({ length: clustering.k }, (_, c) => c).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const rank = new Int32Array(clustering.k);
  order.forEach((c, r) => {
    rank[c] = r;
  });
  const labels = Int32Array.from(clustering.labels, (label) => rank[label]);
  const descriptions = describeClusters(extracted, labels, clustering.k, options);
  const existingIds = context.liveRuleSet ? [...context.liveRuleSet.personas.map((p) => p.id), context.liveRuleSet.unassigned.id] : [];
  const suggestions = proposeDraftPersonas(extracted, labels, descriptions, existingIds);
  const clusters = descriptions.map(({ contrasts: _contrasts, ...description }, c) => ({ ...description, suggestion: suggestions[c] }));
  return {
    labels,
    contactIds: extracted.contactIds,
    report: {
      kind: 'discovery',
      portalId: context.portalId,
      generatedAt: new Date(context.now).toISOString(),
      contacts: extracted.n,
      method: clustering.method,
      k: clustering.k,
      silhouette: clustering.silhouette,
      candidates: clustering.candidates,
      sampling: clustering.sampling,
      features: extracted.features.map((feature, j) => ({
        name: feature.name,
        label: feature.label,
        mean: standardization.means[j],
        sd: standardization.sds[j],
      })),
      clusters,
      durationMs: Date.now() - started,
    },
  };
}

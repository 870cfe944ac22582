import type { PortalId } from '../crm/model';
import type { DiscoveryReport } from './discover-personas';
import type { DriftReport } from './drift';
import type { HypothesisVerdict } from './hypothesis-evaluation';
import type { PilotImportError } from './pilot-import';
import type { PilotAnalysis } from './pilot-statistics';

/** The reports insights runs store and the API returns. */
export interface PilotSummary {
  readonly id: string;
  readonly fileName: string;
  readonly importedAt: string;
  readonly rows: number;
  readonly contacts: number;
  readonly unmatched: { readonly contacts: number; readonly lines: readonly number[] };
}

export interface ValidationReport {
  readonly kind: 'validation';
  readonly portalId: PortalId;
  readonly generatedAt: string;
  readonly pilot: PilotSummary | null;
  readonly analysis: PilotAnalysis | null;
  readonly hypotheses: readonly HypothesisVerdict[];
  readonly notes: readonly string[];
}

export type ReviewKind = 'nightly' | 'quarterly';

export interface ReviewReport {
  readonly kind: 'review-nightly' | 'review-quarterly';
  readonly portalId: PortalId;
  readonly generatedAt: string;
  readonly drift: DriftReport | null;
  readonly hypotheses: readonly HypothesisVerdict[];
  readonly notes: readonly string[];
}

export type InsightsReport = DiscoveryReport | ValidationReport | ReviewReport;

export type PilotImportResult =
  | {
      readonly ok: true;
      readonly id: string;
      readonly format: 'csv' | 'json';
      readonly rows: number;
      readonly contacts: number;
      readonly unmatched: number;
    }
  | { readonly ok: false; readonly errors: readonly PilotImportError[]; readonly truncated: number };

export interface DraftPreview {
  readonly contacts: number;
  readonly personas: readonly { readonly personaId: string; readonly contacts: number; readonly share: number; readonly draft: boolean }[];
  /** Contacts whose persona would differ from their current effective persona. */
  readonly wouldChange: number;
}

// The insights reports as the API sends them (the parts the page shows).
export type Interval = [number, number];
export interface ShareItem {
  value: string;
  count: number;
  share: number;
  overallShare: number;
}
export interface FeatureContrast {
  feature: string;
  label: string;
  clusterMean: number;
  restMean: number;
  effectSize: number;
  direction: 'higher' | 'lower';
  sentence: string;
}
export interface Cluster {
  index: number;
  size: number;
  share: number;
  summary: string;
  distinguishing: FeatureContrast[];
  jobTitles: ShareItem[];
  industries: ShareItem[];
  ticketCategories: ShareItem[];
  subjectWords: { word: string; count: number }[];
  /** Absent from reports stored before companies and surveys took part in discovery. */
  companyIndustries?: ShareItem[];
  companySizes?: ShareItem[];
  npsBands?: ShareItem[];
  commentWords?: { word: string; count: number }[];
  currentPersonas: ShareItem[];
  suggestion: { persona: { id: string; name: string; kind: string }; estimate: { precision: number; recall: number; selected: number } };
}
export interface DiscoveryReport {
  kind: 'discovery';
  generatedAt: string;
  contacts: number;
  method: string;
  k: number;
  silhouette: number;
  clusters: Cluster[];
  durationMs: number;
  recovery?: { adjustedRandIndex: number; note: string };
}

export interface HypothesisVerdict {
  personaId: string;
  personaName: string;
  hypothesis: { metric: string; op: string; value: number; statement?: string };
  status: 'supported' | 'refuted' | 'not-yet-known';
  estimate: number | null;
  interval: Interval | null;
  sample: number;
  minSample: number;
  explanation: string;
}
export interface SampleRatioCheck {
  observed: Record<string, number>;
  expected: Record<string, number>;
  chiSquare: number;
  pValue: number;
  mismatch: boolean;
}
export interface ArmResult {
  personaId: string;
  variant: string;
  outcome: string;
  n: number;
  successes: number;
  rate: number;
  interval: Interval;
}
export interface Comparison {
  personaId: string;
  outcome: string;
  variant: string;
  control: string;
  status: 'tested' | 'insufficient-sample' | 'no-variation';
  controlRate: number;
  variantRate: number;
  difference: number;
  lift: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  significant: boolean;
}
export interface PilotAnalysis {
  contacts: number;
  variants: string[];
  control: string;
  outcomes: string[];
  personas: string[];
  minSamplePerArm: number;
  alpha: number;
  confidence: number;
  correction: { method: 'holm'; family: number; why: string };
  sampleRatio: { overall: SampleRatioCheck; perPersona: Record<string, SampleRatioCheck> };
  arms: ArmResult[];
  comparisons: Comparison[];
}
export interface ValidationReport {
  kind: 'validation';
  generatedAt: string;
  pilot: {
    id: string;
    fileName: string;
    importedAt: string;
    rows: number;
    contacts: number;
    unmatched: { contacts: number; lines: number[] };
  } | null;
  analysis: PilotAnalysis | null;
  hypotheses: HypothesisVerdict[];
  notes: string[];
}
export interface DriftReport {
  earlier: { takenAt: string; contacts: number };
  later: { takenAt: string; contacts: number };
  mixPsi: { psi: number; level: PsiLevel };
  personas: { personaId: string; earlierShare: number; laterShare: number; scorePsi: number; level: PsiLevel }[];
  moved: { total: number; share: number; flows: { from: string; to: string; contacts: number }[] };
  rulesStoppedFiring: { personaId: string; label: string; firedBefore: number }[];
  findings: { kind: string; severity: 'info' | 'warning' | 'action'; subject: string; detail: string; action: string }[];
}
export type PsiLevel = 'stable' | 'moderate' | 'major';
export interface ReviewReport {
  kind: 'review-nightly' | 'review-quarterly';
  generatedAt: string;
  drift: DriftReport | null;
  hypotheses: HypothesisVerdict[];
  notes: string[];
}
export interface ReportMeta {
  id: string;
  kind: string;
  title: string;
  createdAt: number;
  url?: string;
}
export interface StoredReport<T> {
  id: string;
  kind: string;
  title: string;
  createdAt: string;
  body: T;
}
export interface ShareHistory {
  personas: { id: string; name: string; kind: string }[];
  points: { takenAt: string; contacts: number; shares: Record<string, number> }[];
}

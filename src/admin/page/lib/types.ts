// What the admin API sends: the shapes the page reads.
export interface Session {
  actor: string;
  via: string;
  csrfToken: string | null;
  portals: { portalId: number; hubDomain: string | null }[];
}
export interface DistEntry {
  personaId: string;
  name: string;
  count: number;
  kind: string;
}
/** A streamed full sync also reports scored, written and remaining contacts and the time to go. */
export interface SyncRun {
  id: number;
  kind: string;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
  progress: {
    phase?: string;
    done: number;
    total?: number | null;
    scored?: number;
    written?: number;
    remaining?: number | null;
    etaSeconds?: number | null;
  };
}
export interface Dashboard {
  portal: { portalId: number; hubDomain: string | null; state: string };
  liveVersion: number | null;
  total: number;
  unassigned: number;
  unassignedShare: number;
  distribution: DistEntry[];
  counts: { contacts: number; tickets: number };
  sync: { current: SyncRun | null; recent: SyncRun[] };
  backlog: { pending: number; processing: number; failed: number; oldestPendingAt: number | null };
  recentErrors: { at: number; source: string; message: string }[];
  accountData?: { companies: boolean; surveys: boolean; notes: string[] };
}
export interface Explanation {
  /** `facts`: what the primary company and survey responses showed, for rules with such conditions. */
  firedRules: { label: string; points: number; facts?: string[] }[];
  score: number;
  threshold: number | null;
  runnerUp: { personaId: string; score: number; threshold: number; qualifies: boolean } | null;
}
export interface Brief {
  personaId: string;
  score: number;
  explanation: Explanation;
}
export interface Preview {
  liveVersion: number | null;
  contacts: number;
  before: Record<string, number>;
  after: Record<string, number>;
  unchanged: number;
  moves: {
    from: string;
    to: string;
    count: number;
    samples: {
      contactId: string;
      email: string | null;
      name: string;
      before: Brief;
      after: Brief;
      formerUnderDraft: { personaId: string; score: number; threshold: number } | null;
    }[];
  }[];
  coverage: { personaId: string; name: string; qualifying: number; primary: number }[];
  unmatchedPersonas: string[];
  silentRules: { personaId: string; ruleIndex: number; label: string }[];
  changes: Change[];
  /** Companies whose buying-committee coverage the draft would change; null without the Accounts service. */
  companies?: { companies: number; gain: number; lose: number; changed: number } | null;
}
export interface VersionMeta {
  version: number;
  status: string;
  createdAt: number;
  createdBy: string;
  note: string | null;
}
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}
export interface AuditEntry {
  id: number;
  actor: string;
  action: string;
  target: string;
  at: number;
  diff: { fromVersion?: number | null; toVersion?: number; note?: string | null; changes?: Change[]; personaId?: string } | null;
}
export interface RuleSetDoc {
  version: number;
  property: unknown;
  unassigned: { id: string; label: string };
  journey?: unknown;
  personas: PersonaDoc[];
}
export interface PersonaDoc {
  id: string;
  name: string;
  kind: string;
  priority?: number;
  threshold: number;
  /** Part of an account's buying committee (never on a negative persona). */
  committee?: boolean;
  profile: ProfileDoc;
  rules: { label: string; points: number; when: unknown }[];
}
export interface ProfileDoc {
  bio: string;
  photoUrl: string;
  goals: string[];
  challenges: string[];
  channels: string[];
  objections: string[];
  talkingPoints: string[];
  content: Record<string, string[]>;
  [k: string]: unknown;
}
export interface PersonaEval {
  personaId: string;
  name: string;
  kind: string;
  threshold: number;
  score: number;
  qualifies: boolean;
  pointsMissing: number;
  rules: { label: string; points: number; fired: boolean; facts?: string[] }[];
}
export interface ContactDetail {
  contact: { id: string; email: string | null; properties: Record<string, string | null>; tickets: number };
  ruleSetVersion: number | null;
  evaluation: {
    assignment: {
      personaId: string;
      assigned: boolean;
      score: number;
      secondary: string[];
      journeyStage: string;
      explanation: Explanation;
    };
    personas: PersonaEval[];
    nearest: { personaId: string; pointsMissing: number; suggestions: { label: string; points: number }[] } | null;
  };
  stored: {
    personaId: string;
    score: number;
    computedAt: number;
    override: { persona: string; by: string | null; at: number } | null;
  } | null;
  personas: { id: string; name: string }[];
}
export interface GalleryPersona {
  id: string;
  name: string;
  kind: string;
  photoUrl: string;
  profile: ProfileDoc;
  ruleCount: number;
  threshold: number;
  validation?: PersonaValidation | null;
  whatTheySay?: SurveyQuote[];
}
/** A survey comment of one of the persona's contacts. */
export interface SurveyQuote {
  comment: string;
  type: string | null;
  score: number | null;
  date: string | null;
}
/** The latest pilot verdict for a persona, in words, with the pilot's name and date. */
export interface PersonaValidation {
  status: 'supported' | 'refuted' | 'not-yet-known';
  words: string;
  date: string;
  pilot: string | null;
  explanation: string;
}

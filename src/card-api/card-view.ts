/**
 * The JSON contract between the card API and the persona card (cards/). The server builds it, the
 * card and the preview page only render it. This file is copied next to the card when the HubSpot
 * project is assembled, so it must stay plain types with no imports.
 */

export type CardPersonaKind = 'buyer' | 'customer' | 'negative';

export type CardJourneyStage = 'awareness' | 'consideration' | 'decision' | 'advocacy';

export interface CardPersona {
  id: string;
  name: string;
  /** Null when a manual value names a persona the live rule set does not have. */
  kind: CardPersonaKind | null;
  photoUrl: string | null;
  bio: string;
  goals: string[];
  challenges: string[];
  objections: string[];
  talkingPoints: string[];
  channels: string[];
  /**
   * "What they say": the newest survey comments of contacts holding this persona (newest first, at
   * most 5), next to the written goals and challenges. Absent from older servers.
   */
  whatTheySay?: CardPersonaQuote[];
}

/** A survey comment of one of a persona's contacts. */
export interface CardPersonaQuote {
  comment: string;
  /** NPS, CSAT, CES or CUSTOM; null when HubSpot gave none. */
  type: string | null;
  score: number | null;
  /** YYYY-MM-DD, null when HubSpot gave no parseable date. */
  date: string | null;
}

export interface CardRule {
  label: string;
  points: number;
  /** For rules on the primary company or survey answers: what they showed ("primary company: Acme, 5,200 employees"). */
  facts?: string[];
}

export interface CardRunnerUp {
  personaId: string;
  personaName: string;
  score: number;
  threshold: number;
  qualifies: boolean;
  /** The computed persona's score minus the runner-up's score. */
  margin: number;
}

/** Why the rules chose what they chose (for the computed persona, also when a manual value wins). */
export interface CardWhy {
  personaId: string;
  personaName: string;
  firedRules: CardRule[];
  score: number;
  threshold: number;
  runnerUp: CardRunnerUp | null;
}

export interface CardScore {
  score: number;
  threshold: number;
  qualifies: boolean;
}

/** What the rules say, whether or not a manual value overrides it. `personaId` null means unassigned. */
export interface CardComputed {
  personaId: string | null;
  personaName: string;
  score: number;
  threshold: number | null;
}

export interface CardManualOverride {
  personaId: string;
  personaName: string;
  setBy: string | null;
  /** ISO 8601. */
  setAt: string | null;
}

export interface CardSecondaryPersona {
  id: string;
  name: string;
  kind: CardPersonaKind;
  score: number | null;
}

export interface CardTicket {
  id: string;
  subject: string;
  status: 'open' | 'closed';
  priority: string | null;
  /** ISO 8601, null when HubSpot gave no parseable date. */
  createdAt: string | null;
}

export interface CardTicketSummary {
  total: number;
  open: number;
  /** Newest first, at most a handful. */
  recent: CardTicket[];
}

/** For an unassigned contact: the persona it is closest to, and the rules that would get it there. */
export interface CardUnassignedHint {
  personaId: string;
  personaName: string;
  kind: CardPersonaKind;
  score: number;
  threshold: number;
  pointsNeeded: number;
  /** Rules not yet met, largest first, just enough to cover the gap (all of them when they are not enough). */
  rulesToQualify: CardRule[];
  /** False when even all unmet positive rules together would not reach the threshold. */
  reachable: boolean;
}

/** The contact's primary company (firmographics), when the app has it. */
export interface CardCompany {
  id: string;
  name: string;
  industry: string | null;
  /** Number of employees as HubSpot holds it; null when unknown. */
  employees: number | null;
  domain: string | null;
}

/** One survey response (HubSpot feedback submission). */
export interface CardSurveyAnswer {
  id: string;
  /** NPS, CSAT, CES or CUSTOM. */
  type: string;
  surveyName: string | null;
  score: number | null;
  comment: string | null;
  sentiment: string | null;
  /** ISO 8601, null when HubSpot gave no parseable date. */
  createdAt: string | null;
}

export interface CardContact {
  displayName: string;
  email: string | null;
  lifecycleStage: string | null;
}

/** The latest pilot verdict on the effective persona's hypothesis, in words, with its date. */
export interface CardValidation {
  status: 'supported' | 'refuted' | 'not-yet-known';
  /** "Hypothesis supported" and the like: what a rep reads. */
  words: string;
  /** YYYY-MM-DD of the validation. */
  date: string;
}

export interface CardView {
  /** Bumped on any breaking change, so an old card can tell it is talking to a newer server. */
  contractVersion: 1;
  portalId: number;
  contactId: string;
  contact: CardContact;
  state: 'assigned' | 'unassigned';
  /** The effective persona: the manual value when there is one, else the computed one; null when unassigned. */
  persona: CardPersona | null;
  /** The rules' score for the effective persona against its threshold; null when unassigned. */
  score: CardScore | null;
  setByHand: CardManualOverride | null;
  computed: CardComputed;
  why: CardWhy | null;
  journeyStage: CardJourneyStage;
  contentForStage: string[];
  secondary: CardSecondaryPersona[];
  tickets: CardTicketSummary;
  /** Null when the contact has no primary company or the app has not synced it. */
  company: CardCompany | null;
  /** The latest survey answers, newest first, at most a handful; empty without survey access. */
  surveys: CardSurveyAnswer[];
  unassignedLabel: string;
  unassignedHint: CardUnassignedHint | null;
  /** Absent from older servers; null when no validation has judged this persona yet. */
  validation?: CardValidation | null;
  /** ISO 8601: when the view was built. */
  generatedAt: string;
}

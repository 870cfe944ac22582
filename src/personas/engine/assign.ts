/**
 * Choosing personas from scores, per docs/rule-language.md "Scoring and assignment".
 * Personas are referred to by their index in the rule set (list order).
 */
export interface ScoreBoard {
  readonly scores: Float64Array;
  readonly thresholds: Float64Array;
  readonly priorities: Float64Array;
  readonly negative: Uint8Array;
}

/** True when persona `a` ranks before persona `b`: higher score, then higher priority, then listed first. */
export function ranksBefore(board: ScoreBoard, a: number, b: number): boolean {
  const sa = board.scores[a];
  const sb = board.scores[b];
  if (sa !== sb) return sa > sb;
  const pa = board.priorities[a];
  const pb = board.priorities[b];
  if (pa !== pb) return pa > pb;
  return a < b;
}

export function qualifies(board: ScoreBoard, index: number): boolean {
  return board.scores[index] >= board.thresholds[index];
}

/** Index of the primary persona, or -1 when none qualifies. A qualifying negative persona always wins. */
export function choosePrimary(board: ScoreBoard): number {
  let bestNegative = -1;
  let best = -1;
  const count = board.scores.length;
  for (let i = 0; i < count; i += 1) {
    if (!qualifies(board, i)) continue;
    if (board.negative[i] === 1) {
      if (bestNegative === -1 || ranksBefore(board, i, bestNegative)) bestNegative = i;
    } else if (best === -1 || ranksBefore(board, i, best)) {
      best = i;
    }
  }
  return bestNegative !== -1 ? bestNegative : best;
}

/** Other qualifying non-negative personas, ordered like the primary choice. */
export function chooseSecondary(board: ScoreBoard, primary: number): number[] {
  const chosen: number[] = [];
  const count = board.scores.length;
  for (let i = 0; i < count; i += 1) {
    if (i !== primary && board.negative[i] === 0 && qualifies(board, i)) chosen.push(i);
  }
  if (chosen.length > 1) chosen.sort((a, b) => (ranksBefore(board, a, b) ? -1 : 1));
  return chosen;
}

/** The best-ranked persona other than `primary` (qualifying or not), or -1 when there is none. */
export function chooseRunnerUp(board: ScoreBoard, primary: number): number {
  let best = -1;
  const count = board.scores.length;
  for (let i = 0; i < count; i += 1) {
    if (i !== primary && (best === -1 || ranksBefore(board, i, best))) best = i;
  }
  return best;
}

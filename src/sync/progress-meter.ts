/** What an admin reads while a full sync streams: the contacts behind it, ahead of it, and when it ends. */
export interface StreamFigures {
  /** Contacts in the portal when the sync started (HubSpot's count), or null when unknown. */
  readonly total: number | null;
  /** Contacts scored with their related records, this sync including a run it resumed. */
  readonly scored: number;
  /** Contacts whose persona values reached HubSpot in this sync. */
  readonly written: number;
  readonly remaining: number | null;
  /** Contacts scored per second, measured over the last minute. */
  readonly contactsPerSecond: number | null;
  /** Seconds to go at the measured rate. */
  readonly etaSeconds: number | null;
}

const WINDOW_MS = 60_000;
/** Less than this much measured time gives no rate (the first page alone says little). */
const MIN_SPAN_MS = 2_000;

/**
 * Measures the scoring rate over a sliding window, so the estimate follows what the rate limit
 * allows now (a pause after a 429, a second sync of another portal) rather than the whole run's average.
 */
export class ProgressMeter {
  private readonly samples: { at: number; scored: number }[] = [];

  constructor(
    private total: number | null,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** The total once it is known (it is counted while the first pages are read). */
  setTotal(total: number): void {
    this.total = total;
  }

  figures(now: number, scored: number, written: number): StreamFigures {
    this.samples.push({ at: now, scored });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const span = now - first.at;
    const rate = span >= MIN_SPAN_MS ? ((scored - first.scored) * 1000) / span : null;
    const remaining = this.total === null ? null : Math.max(0, this.total - scored);
    const etaSeconds = remaining === null || rate === null ? null : remaining === 0 ? 0 : rate > 0 ? Math.ceil(remaining / rate) : null;
    return {
      total: this.total,
      scored,
      written,
      remaining,
      contactsPerSecond: rate === null ? null : Math.round(rate * 10) / 10,
      etaSeconds,
    };
  }
}

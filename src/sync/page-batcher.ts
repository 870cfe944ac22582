export interface PageBatcherOptions {
  /** Ids per request (HubSpot's batch endpoints take at most 100). */
  readonly size: number;
  /**
   * A part-filled batch goes out once this many pages wait for it: a sparse portal would
   * otherwise hold those pages (and their cursors) back without bound.
   */
  readonly maxPagesWaiting: number;
  /** Batches running at once; adding waits beyond that, which slows the producer down. */
  readonly maxInFlight: number;
  run(ids: string[]): Promise<void>;
}

interface PageWait {
  readonly runs: Promise<void>[];
  readonly done: Promise<void>;
  /** The page's last id is in a dispatched batch: `runs` is complete. */
  release(): void;
  abandon(reason: Error): void;
}

function pageWait(): PageWait {
  const runs: Promise<void>[] = [];
  let release!: () => void;
  let abandon!: (reason: Error) => void;
  const released = new Promise<void>((resolve, reject) => {
    release = resolve;
    abandon = reject;
  });
  const done = released.then(() => Promise.all(runs)).then(() => undefined);
  done.catch(() => undefined);
  return { runs, done, release, abandon };
}

/**
 * Gathers the ids that consecutive pages name into full batches, so that pages naming a few ids
 * each share one request instead of spending one each. Each page gets a promise that settles once
 * every batch holding one of its ids has run (and rejects if one failed or was abandoned).
 */
export class PageBatcher {
  private buffer: string[] = [];
  /** Pages, oldest first, with ids in the buffer (or, the newest, possibly none yet). */
  private waiting: PageWait[] = [];
  /** Settles (never rejects) once its batch has run and left the set. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: PageBatcherOptions) {}

  /**
   * Adds one page's ids. Resolves once they are buffered or dispatched (later while too many
   * batches run); `done` settles once every batch holding one of them has run.
   */
  async add(ids: readonly string[]): Promise<{ done: Promise<void> }> {
    const page = pageWait();
    this.waiting.push(page);
    for (const id of ids) {
      this.buffer.push(id);
      if (this.buffer.length >= this.options.size) {
        await this.dispatch();
        this.releaseAllBut(page);
      }
    }
    if (this.waiting.length > this.options.maxPagesWaiting) await this.dispatch();
    if (this.buffer.length === 0) this.releaseAllBut(null);
    return { done: page.done };
  }

  /** Sends what is buffered now (the end of the listing, or a stop): every page's promise can settle. */
  async flush(): Promise<void> {
    await this.dispatch();
    this.releaseAllBut(null);
  }

  /** Nothing more will be read: pages still waiting for a batch reject. */
  abandon(reason: Error): void {
    for (const p of this.waiting) p.abandon(reason);
    this.waiting = [];
    this.buffer = [];
  }

  /** Waits for every batch running now. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async dispatch(): Promise<void> {
    if (this.buffer.length === 0) return;
    const ids = this.buffer;
    this.buffer = [];
    const run = this.options.run(ids);
    run.catch(() => undefined);
    for (const p of this.waiting) p.runs.push(run);
    const tracked: Promise<void> = run
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.inFlight.delete(tracked);
      });
    this.inFlight.add(tracked);
    // A failure surfaces through the pages' promises, not here.
    while (this.inFlight.size > this.options.maxInFlight) await Promise.race(this.inFlight);
  }

  private releaseAllBut(keep: PageWait | null): void {
    for (const p of this.waiting) if (p !== keep) p.release();
    this.waiting = keep ? [keep] : [];
  }
}

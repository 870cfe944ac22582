import type { PortalId } from '../crm/model';
import type { AssignmentService } from '../personas/assignment-service';
import type { Clock } from '../platform/clock';
import type { CrmStore } from '../crm/crm-store';
import type { ContactRecord, Page, PortalHubSpot } from '../crm/hubspot-port';
import { PageBatcher } from './page-batcher';
import { toStoredContact, type RelatedRecordReader } from './related-readers';
import type { SyncStore } from './sync-store';

export interface StreamCounts {
  /** Contacts listed by this run. */
  contacts: number;
  /** Related records read by this run, per kind. */
  related: Record<string, number>;
  scored: number;
  changed: number;
  overrides: number;
  written: number;
  writeFailures: number;
  purged: number;
  writeRequests: number;
  writeErrors: string[];
}

export interface ContactStreamOptions {
  readonly portalId: PortalId;
  readonly hubspot: PortalHubSpot;
  readonly contactProperties: readonly string[];
  readonly readers: readonly RelatedRecordReader[];
  /** Where the listing cursor is saved after each finished page; null: no resume (a reconcile re-lists everything). */
  readonly cursorKey: string | null;
  /** Related records stored at or after this time were read by this sync. */
  readonly since: number;
  /** Why the contacts are scored (the assignment history's reason). */
  readonly reason: string;
  readonly stopped: () => boolean;
  /** Each listed page, as HubSpot returned it. */
  readonly onListed?: (contacts: readonly ContactRecord[]) => void;
  /**
   * Other cursors saved in the same write as the listing cursor (a full sync's progress across
   * resumes), so that a crash never leaves one ahead of the other.
   */
  readonly savedWithCursor?: (done: { contactsDone: number; written: number }) => Readonly<Record<string, string>>;
  /** After a page's cursor is saved: every page up to it (`contactsDone` contacts in this run) is stored, scored and written. */
  readonly onPageDone?: (done: { page: number; contactsDone: number }) => void | Promise<void>;
  /** After every page and every write batch. */
  readonly onProgress?: (counts: Readonly<StreamCounts>) => void;
}

export interface ContactStreamDeps {
  readonly crm: CrmStore;
  readonly sync: SyncStore;
  readonly assignments: Pick<AssignmentService, 'scoreContacts' | 'writeContacts'>;
  readonly clock: Clock;
}

export const CURSOR_DONE = 'done';
const BATCH = 100;
/** Below one id per 50 contacts a batch goes out part-filled rather than hold more than 50 pages back. */
const MAX_PAGES_WAITING = 50;
const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * Pages listed but not yet scored, at most: beyond it the listing waits, so memory stays flat and a
 * crash re-lists little. One more than a batch may keep waiting, so a part-filled batch always goes out.
 */
const MAX_PAGES_AHEAD = MAX_PAGES_WAITING + 1;

/**
 * The full listing as a stream: each page of 100 contacts is stored with its related records,
 * scored, and its persona values written back as soon as that page is complete, while later pages
 * are being listed. Every request goes through the portal's one rate limiter in arrival order, so
 * reads and writes share the budget and neither starves; ids are gathered across pages into full
 * batches of 100 (related reads and writes alike), so the request count is that of reading
 * everything first and writing after. Pages are scored in listing order, so a record two pages
 * name is stored before either is scored. A page's cursor is saved only once it and every page
 * before it is stored, scored and written: a crash re-lists at most the pages after the cursor,
 * and those find what was written already (see AssignmentService.scoreContacts).
 */
export async function streamContacts(deps: ContactStreamDeps, o: ContactStreamOptions): Promise<StreamCounts> {
  const { crm, sync, assignments, clock } = deps;
  const counts: StreamCounts = {
    contacts: 0,
    related: Object.fromEntries(o.readers.map((r) => [r.kind, 0])),
    scored: 0,
    changed: 0,
    overrides: 0,
    written: 0,
    writeFailures: 0,
    purged: 0,
    writeRequests: 0,
    writeErrors: [],
  };
  const after = o.cursorKey ? await sync.getCursor(o.portalId, o.cursorKey) : null;
  if (after === CURSOR_DONE) return counts;

  // Ids buffered or being read, per reader: a later page naming one waits for it through the page order.
  const reading = o.readers.map(() => new Set<string>());
  const readers = o.readers.map(
    (reader, i) =>
      new PageBatcher({
        size: BATCH,
        maxPagesWaiting: MAX_PAGES_WAITING,
        maxInFlight: MAX_BATCHES_IN_FLIGHT,
        run: async (ids) => {
          try {
            // Not `+= await`: that reads the count before the read, and batches running at once would lose each other's.
            const read = await reader.readAndStore(o.portalId, ids);
            counts.related[reader.kind] += read;
          } finally {
            for (const id of ids) reading[i]!.delete(id);
          }
        },
      }),
  );
  const writer = new PageBatcher({
    size: BATCH,
    maxPagesWaiting: MAX_PAGES_WAITING,
    maxInFlight: MAX_BATCHES_IN_FLIGHT,
    run: async (ids) => {
      const r = await assignments.writeContacts(o.portalId, ids);
      counts.written += r.written;
      counts.writeFailures += r.failed;
      counts.purged += r.purged;
      counts.writeRequests += r.requests;
      if (r.errors.length > 0 && counts.writeErrors.length < 10) counts.writeErrors.push(...r.errors);
      o.onProgress?.(counts);
    },
  });

  let failure: unknown = null;
  const fail = (err: unknown) => {
    failure ??= err;
  };
  let scoring: Promise<void> = Promise.resolve();
  let saving: Promise<void> = Promise.resolve();
  const ahead: Promise<void>[] = [];

  const list = (from: string | null) => {
    const listing = o.hubspot.listContacts({
      after: from,
      properties: o.contactProperties,
      withTickets: true,
      withCompanies: o.readers.some((r) => r.kind === 'companies'),
      withSurveys: o.readers.some((r) => r.kind === 'feedback_submissions'),
    });
    // Observed at the top of the next page; a page asked for just before a stop or a failure is dropped.
    listing.catch(() => undefined);
    return listing;
  };
  let listing: Promise<Page<ContactRecord>> | null = o.stopped() ? null : list(after);

  for (let page = 1; listing !== null && !o.stopped() && failure === null; page += 1) {
    let listed: readonly ContactRecord[];
    let nextAfter: string | null;
    const relatedDone: Promise<void>[] = [];
    try {
      const result = await listing;
      listed = result.results;
      nextAfter = result.nextAfter;
      // The listing is a chain (each page names the next): ask for the next page before this one is
      // stored and scored, so the chain never waits for our SQL or CPU. Within the same bound on
      // pages listed ahead of the scoring as when the next page waited for this one.
      listing = nextAfter !== null && !o.stopped() && ahead.length < MAX_PAGES_AHEAD ? list(nextAfter) : null;
      // The page's contacts and their links are one commit, not one per table.
      const page = listed;
      const namedByReader = await crm.transaction(async (store) => {
        await store.upsertContacts(o.portalId, page.map(toStoredContact), clock.now());
        const named: (readonly string[])[] = [];
        for (const reader of o.readers) named.push(await reader.linkPage(o.portalId, page, store));
        return named;
      });
      for (const [i, reader] of o.readers.entries()) {
        const named = [...new Set(namedByReader[i])].filter((id) => !reading[i]!.has(id));
        const stored = named.length === 0 ? new Set<string>() : await reader.storedSince(o.portalId, named, o.since);
        const fresh = named.filter((id) => !stored.has(id));
        for (const id of fresh) reading[i]!.add(id);
        relatedDone.push((await readers[i]!.add(fresh)).done);
        if (nextAfter === null) await readers[i]!.flush();
      }
    } catch (err) {
      // Settle the pages already listed below, then fail.
      fail(err);
      break;
    }
    o.onListed?.(listed);
    counts.contacts += listed.length;

    const contactIds = listed.map((c) => c.id);
    const last = nextAfter === null;
    const writesQueued = scoring
      .then(() => Promise.all(relatedDone))
      .then(async () => {
        const r = await assignments.scoreContacts(o.portalId, contactIds, o.reason);
        counts.scored += r.scored;
        counts.changed += r.changed;
        counts.overrides += r.overrides;
        const writes = await writer.add(r.toWrite);
        if (last) await writer.flush();
        return writes;
      });
    scoring = writesQueued.then(() => undefined);
    scoring.catch(() => undefined);
    ahead.push(scoring);

    const pageNo = page;
    const contactsDone = counts.contacts;
    const cursor = nextAfter ?? CURSOR_DONE;
    saving = saving
      .then(() => writesQueued)
      .then((writes) => writes.done)
      .then(async () => {
        if (o.cursorKey) {
          const together = o.savedWithCursor?.({ contactsDone, written: counts.written }) ?? {};
          await sync.setCursors(o.portalId, { ...together, [o.cursorKey]: cursor }, clock.now());
        }
        o.onProgress?.(counts);
        await o.onPageDone?.({ page: pageNo, contactsDone });
      });
    saving.catch(fail);
    if (last) break;
    while (ahead.length > MAX_PAGES_AHEAD) await ahead.shift()!.catch(fail);
    // Held back while too many pages waited for scoring: asked for now that they are fewer.
    if (listing === null && !o.stopped() && failure === null) listing = list(nextAfter);
  }

  if (failure === null) {
    // Stopped early: read what is buffered so the pages already listed can finish.
    for (const r of readers) await r.flush();
  } else {
    // Nothing more is read after a failure, so pages still waiting for a batch are not scored.
    for (const r of readers) r.abandon(new Error("the sync stopped before this page's related records were read"));
  }
  await scoring.catch(fail);
  // Pages scored before a failure still have their values written (and their cursors saved).
  await writer.flush();
  await saving.catch(fail);
  await Promise.all([...readers, writer].map((b) => b.settled()));
  if (failure !== null) throw failure;
  return counts;
}

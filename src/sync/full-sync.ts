import type { SyncDeps } from './sync-deps';
import type { PortalId } from '../crm/model';
import type { WriteBackResult } from '../personas/assignment-service';
import type { ObjectKind, PortalHubSpot } from '../crm/hubspot-port';
import { streamContacts, type StreamCounts } from './contact-stream';
import { companyReader, surveyReader, ticketReader, type RelatedRecordReader } from './related-readers';
import { INCREMENTAL_KINDS } from './incremental-sync';
import { ProgressMeter, type StreamFigures } from './progress-meter';
import { syncProperties, type SyncProperties } from './sync-properties';
import { stopIfAborted, type RunContext, type RunOutcome } from './sync-runs';
import { syncCursor } from './sync-store';

export type FullSyncDeps = Pick<SyncDeps, 'crm' | 'sync' | 'portals' | 'ruleSets' | 'assignments' | 'gateways' | 'clock' | 'hooks'>;

interface ListingOptions {
  readonly cursor: string | null;
  readonly since: number;
  readonly reason: string;
  readonly earlier: { contacts: number; written: number };
  readonly onListed?: (contacts: readonly { id: string; ticketIds: readonly string[] | null }[]) => void;
  /** Saved with each page's listing cursor, in the same write. */
  readonly savedWithCursor?: (done: { contactsDone: number; written: number }) => Readonly<Record<string, string>>;
}

/**
 * The runs that list every contact: the full sync, streamed page by page with a persisted cursor (a
 * crash resumes where it stopped), and the reconcile, which re-lists everything to catch deletions and
 * anything missed. Both score and write back each page while the next pages are listed.
 */
export class FullSync {
  constructor(private readonly deps: FullSyncDeps) {}

  async full(portalId: PortalId, ctx: RunContext): Promise<RunOutcome> {
    const { sync } = this.deps;
    let state = await sync.getCursor(portalId, syncCursor.fullState);
    if (state === null) {
      state = String(this.deps.clock.now());
      await sync.setCursor(portalId, syncCursor.fullState, state, this.deps.clock.now());
    }
    const startedAt = Number(state);
    const earlier = parseDone(await sync.getCursor(portalId, syncCursor.fullDone));
    const counts = await this.stream(portalId, ctx, {
      cursor: syncCursor.full('contacts'),
      since: startedAt,
      reason: 'sync',
      earlier,
      savedWithCursor: (done) => ({
        [syncCursor.fullDone]: JSON.stringify({ contacts: earlier.contacts + done.contactsDone, written: earlier.written + done.written }),
      }),
    });
    stopIfAborted(ctx);
    const sweep = await this.writeLeftovers(portalId, ctx);
    const now = this.deps.clock.now();
    for (const kind of INCREMENTAL_KINDS) await sync.setCursor(portalId, syncCursor.watermark(kind), String(startedAt), now);
    for (const key of [syncCursor.full('contacts'), syncCursor.fullDone, syncCursor.fullState]) await sync.clearCursor(portalId, key);
    return outcomeOf(counts, sweep, 0, 0);
  }

  async reconcile(portalId: PortalId, ctx: RunContext): Promise<RunOutcome> {
    const startedAt = this.deps.clock.now();
    const seenContacts = new Set<string>();
    const seenTickets = new Set<string>();
    const counts = await this.stream(portalId, ctx, {
      cursor: null,
      since: startedAt,
      reason: 'reconcile',
      earlier: { contacts: 0, written: 0 },
      onListed: (contacts) => {
        for (const c of contacts) {
          seenContacts.add(c.id);
          for (const t of c.ticketIds ?? []) seenTickets.add(t);
        }
      },
    });
    // Purging after a partial listing would delete what was merely not reached.
    stopIfAborted(ctx);
    const purgedContacts = await this.purgeUnseen(portalId, 'contacts', seenContacts, ctx);
    const purgedTickets = await this.purgeUnseen(portalId, 'tickets', seenTickets, ctx);
    const sweep = await this.writeLeftovers(portalId, ctx);
    const now = this.deps.clock.now();
    for (const kind of INCREMENTAL_KINDS) {
      const current = Number((await this.deps.sync.getCursor(portalId, syncCursor.watermark(kind))) ?? 0);
      await this.deps.sync.setCursor(portalId, syncCursor.watermark(kind), String(Math.max(current, startedAt)), now);
    }
    return outcomeOf(counts, sweep, purgedContacts, purgedTickets);
  }

  /**
   * Lists every contact page by page, each stored with its tickets, scored and written back while
   * the next pages are listed (streamContacts), reporting scored, written and remaining contacts
   * with the time to go at the measured rate.
   */
  private async stream(portalId: PortalId, ctx: RunContext, options: ListingOptions): Promise<StreamCounts> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await syncProperties(this.deps, portalId);
    const meter = new ProgressMeter(null);
    const { earlier } = options;
    let counts: StreamCounts | null = null;
    const report = (c: Readonly<StreamCounts>) => {
      const figures = meter.figures(this.deps.clock.now(), earlier.contacts + c.scored, earlier.written + c.written);
      ctx.progress('stream', figures.scored, figures.total, {
        ...figures,
        contacts: earlier.contacts + c.contacts,
        tickets: c.related.tickets ?? 0,
      } as StreamFigures);
    };
    const none: StreamCounts = {
      contacts: 0,
      related: {},
      scored: 0,
      changed: 0,
      overrides: 0,
      written: 0,
      writeFailures: 0,
      purged: 0,
      writeRequests: 0,
      writeErrors: [],
    };
    report(none);
    // The total only feeds the progress figures. It is asked for once the first page is written: a
    // count can take long on a large portal, and the first personas must not wait for it.
    let streaming = true;
    let counted: Promise<void> | null = null;
    const countContacts = () => {
      counted ??= hubspot.countObjects('contacts').then(
        (total) => {
          meter.setTotal(total);
          if (streaming) report(counts ?? none);
        },
        () => undefined,
      );
    };
    try {
      counts = await streamContacts(
        { crm: this.deps.crm, sync: this.deps.sync, assignments: this.deps.assignments, clock: this.deps.clock },
        {
          portalId,
          hubspot,
          contactProperties: props.contactProperties,
          readers: this.readers(hubspot, props),
          cursorKey: options.cursor,
          since: options.since,
          reason: options.reason,
          stopped: () => ctx.aborted,
          onListed: options.onListed,
          onProgress: (c) => {
            counts = c as StreamCounts;
            report(c);
          },
          savedWithCursor: options.savedWithCursor,
          onPageDone: async ({ page }) => {
            countContacts();
            await this.deps.hooks?.afterPage?.({ portalId, stream: 'contacts', page });
          },
        },
      );
      // The final figures name the total even when the listing outran the count.
      countContacts();
      await counted;
      report(counts);
      return counts;
    } finally {
      streaming = false;
    }
  }

  /** The related-record readers of a listing: tickets always, companies and survey responses where the grant allows. */
  private readers(hubspot: PortalHubSpot, props: SyncProperties): RelatedRecordReader[] {
    const common = { crm: this.deps.crm, hubspot, clock: this.deps.clock };
    return [
      ticketReader({ ...common, properties: props.ticketProperties }),
      ...(props.access.companies ? [companyReader({ ...common, properties: props.companyProperties })] : []),
      ...(props.access.surveys ? [surveyReader({ ...common, properties: props.surveyProperties })] : []),
    ];
  }

  /** Writes what earlier runs left pending (failed writes, a crash between scoring and writing); usually nothing. */
  private writeLeftovers(portalId: PortalId, ctx: RunContext): Promise<WriteBackResult> {
    return this.deps.assignments.writeBack(portalId, { shouldStop: () => ctx.aborted });
  }

  private async purgeUnseen(portalId: PortalId, kind: ObjectKind, seen: Set<string>, ctx: RunContext): Promise<number> {
    let after: string | null = null;
    let purged = 0;
    for (;;) {
      const ids: string[] =
        kind === 'contacts'
          ? await this.deps.crm.listContactIds(portalId, after, 1000)
          : await this.deps.crm.listTicketIds(portalId, after, 1000);
      if (ids.length === 0) break;
      after = ids[ids.length - 1];
      const gone = ids.filter((id) => !seen.has(id));
      if (gone.length > 0) {
        if (kind === 'contacts') await this.deps.crm.purgeContacts(portalId, gone);
        else await this.deps.crm.deleteTickets(portalId, gone);
        purged += gone.length;
        ctx.progress('purge', purged, null);
      }
    }
    return purged;
  }
}

function parseDone(saved: string | null): { contacts: number; written: number } {
  try {
    const parsed = JSON.parse(saved ?? 'null') as { contacts?: unknown; written?: unknown } | null;
    return { contacts: Number(parsed?.contacts) || 0, written: Number(parsed?.written) || 0 };
  } catch {
    return { contacts: 0, written: 0 };
  }
}

function outcomeOf(c: StreamCounts, sweep: WriteBackResult, purgedContacts: number, purgedTickets: number): RunOutcome {
  return {
    contacts: c.contacts,
    tickets: c.related.tickets ?? 0,
    purgedContacts,
    purgedTickets,
    rescore: { scored: c.scored, changed: c.changed, overrides: c.overrides },
    writeBack: {
      written: c.written + sweep.written,
      failed: sweep.failed,
      purged: c.purged + sweep.purged,
      requests: c.writeRequests + sweep.requests,
      errors: sweep.errors,
    },
  };
}

import { PageBatcher } from '../../../src/sync/page-batcher';

function batcher(options: { size?: number; maxPagesWaiting?: number; maxInFlight?: number; fail?: (n: number) => boolean } = {}) {
  const runs: string[][] = [];
  const gates: (() => void)[] = [];
  let hold = false;
  const b = new PageBatcher({
    size: options.size ?? 4,
    maxPagesWaiting: options.maxPagesWaiting ?? 3,
    maxInFlight: options.maxInFlight ?? 2,
    run: async (ids) => {
      runs.push(ids);
      const n = runs.length;
      if (hold) await new Promise<void>((resolve) => gates.push(resolve));
      if (options.fail?.(n)) throw new Error(`batch ${n} failed`);
    },
  });
  return {
    b,
    runs,
    gates,
    hold: (on: boolean) => {
      hold = on;
    },
  };
}

const state = async (p: Promise<void>) =>
  Promise.race([
    p.then(
      () => 'done',
      () => 'failed',
    ),
    new Promise((r) => setImmediate(() => r('waiting'))),
  ]);

describe('gathering the ids of consecutive pages into full batches', () => {
  it('fills each batch across pages and settles a page only once every batch holding its ids has run', async () => {
    const { b, runs } = batcher();
    const p1 = (await b.add(['a', 'b', 'c'])).done;
    expect(await state(p1)).toBe('waiting');
    const p2 = (await b.add(['d', 'e'])).done;
    expect(runs).toEqual([['a', 'b', 'c', 'd']]);
    expect(await state(p1)).toBe('done');
    expect(await state(p2)).toBe('waiting');
    await b.flush();
    expect(runs).toEqual([['a', 'b', 'c', 'd'], ['e']]);
    expect(await state(p2)).toBe('done');
  });

  it('settles a page that names nothing new once the pages before it are done', async () => {
    const { b } = batcher();
    const empty = (await b.add([])).done;
    expect(await state(empty)).toBe('done');
  });

  it('sends a part-filled batch once more pages than allowed wait for it', async () => {
    const { b, runs } = batcher({ size: 100, maxPagesWaiting: 3 });
    for (const id of ['a', 'b', 'c']) await b.add([id]);
    expect(runs).toEqual([]);
    await b.add(['d']);
    expect(runs).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('makes the producer wait while too many batches run', async () => {
    const { b, gates, hold } = batcher({ size: 1, maxInFlight: 2 });
    hold(true);
    await b.add(['a']);
    await b.add(['b']);
    let third = false;
    const adding = b.add(['c']).then(() => {
      third = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    gates.shift()!();
    await adding;
    expect(third).toBe(true);
    hold(false);
    for (const g of gates.splice(0)) g();
    await b.settled();
  });

  it('fails the pages of a failed batch, and abandons pages still waiting when nothing more will be read', async () => {
    const { b } = batcher({ fail: (n) => n === 1 });
    const p1 = (await b.add(['a', 'b', 'c', 'd'])).done;
    const p2 = (await b.add(['e'])).done;
    expect(await state(p1)).toBe('failed');
    b.abandon(new Error('stopped'));
    expect(await state(p2)).toBe('failed');
  });
});

/** A small seeded PRNG (mulberry32) so that discovery and simulations are reproducible run to run. */
export type RandomSource = () => number;

export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return function mulberry32(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Indices 0..n-1 sampled without replacement (partial Fisher–Yates), sorted ascending. */
export function sampleIndices(n: number, size: number, random: RandomSource): number[] {
  if (size >= n) return Array.from({ length: n }, (_, i) => i);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  return Array.from(pool.subarray(0, size)).sort((a, b) => a - b);
}

/** Standard normal draw (Box–Muller), for simulations in tests and benchmarks. */
export function normalDraw(random: RandomSource): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function pairs(count: number): number {
  return (count * (count - 1)) / 2;
}

/**
 * Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same items:
 * 1 for identical partitions (up to renaming), about 0 for chance agreement.
 */
export function adjustedRandIndex(labelsA: ArrayLike<number | string>, labelsB: ArrayLike<number | string>): number {
  if (labelsA.length !== labelsB.length) throw new Error('adjustedRandIndex needs two labelings of the same length');
  const n = labelsA.length;
  if (n < 2) return 1;
  const cells = new Map<string, number>();
  const rows = new Map<number | string, number>();
  const columns = new Map<number | string, number>();
  for (let i = 0; i < n; i++) {
    const a = labelsA[i];
    const b = labelsB[i];
    const key = `${typeof a}:${a}\u0000${typeof b}:${b}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a, (rows.get(a) ?? 0) + 1);
    columns.set(b, (columns.get(b) ?? 0) + 1);
  }
  let index = 0;
  for (const count of cells.values()) index += pairs(count);
  let rowPairs = 0;
  for (const count of rows.values()) rowPairs += pairs(count);
  let columnPairs = 0;
  for (const count of columns.values()) columnPairs += pairs(count);
  const expected = (rowPairs * columnPairs) / pairs(n);
  const maximum = (rowPairs + columnPairs) / 2;
  // Both partitions trivial (all one cluster, or all singletons on both sides): they agree fully.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

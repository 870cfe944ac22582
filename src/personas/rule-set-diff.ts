/** One difference between two rule sets, at a JSON path such as `personas[explorer].rules[0].points`. */
export interface RuleSetChange {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Arrays whose items all carry a distinct string `id` are compared by id, so reordering personas is one change, not many. */
function idKeyed(list: readonly unknown[]): Map<string, unknown> | null {
  const byId = new Map<string, unknown>();
  for (const item of list) {
    if (!isObject(item) || typeof item.id !== 'string' || byId.has(item.id)) return null;
    byId.set(item.id, item);
  }
  return byId;
}

const keyPath = (base: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;

function walk(before: unknown, after: unknown, path: string, out: RuleSetChange[]): void {
  if (Object.is(before, after)) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = idKeyed(before);
    const b = idKeyed(after);
    if (a && b) {
      const beforeOrder = [...a.keys()];
      const afterOrder = [...b.keys()];
      for (const [id, item] of a) {
        if (b.has(id)) walk(item, b.get(id), `${path}[${id}]`, out);
        else out.push({ path: `${path}[${id}]`, kind: 'removed', before: item });
      }
      for (const [id, item] of b) if (!a.has(id)) out.push({ path: `${path}[${id}]`, kind: 'added', after: item });
      const common = (order: string[], other: Map<string, unknown>) => order.filter((id) => other.has(id));
      if (common(beforeOrder, b).join('\u0000') !== common(afterOrder, a).join('\u0000')) {
        out.push({ path: `${path}#order`, kind: 'changed', before: beforeOrder, after: afterOrder });
      }
      return;
    }
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) {
      if (i >= after.length) out.push({ path: `${path}[${i}]`, kind: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: `${path}[${i}]`, kind: 'added', after: after[i] });
      else walk(before[i], after[i], `${path}[${i}]`, out);
    }
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (!(key in after)) out.push({ path: keyPath(path, key), kind: 'removed', before: before[key] });
      else walk(before[key], after[key], keyPath(path, key), out);
    }
    for (const key of Object.keys(after)) if (!(key in before)) out.push({ path: keyPath(path, key), kind: 'added', after: after[key] });
    return;
  }
  out.push({ path: path || '$', kind: 'changed', before, after });
}

/** A structural diff of two rule sets (or any JSON), for the audit log. Pure; no change gives an empty list. */
export function diffRuleSets(before: unknown, after: unknown): RuleSetChange[] {
  const out: RuleSetChange[] = [];
  walk(before, after, '', out);
  return out;
}

import type { HostileApp } from './hostile-app';

export const HOSTILE_PATTERN = '(a+)+$';
export const HOSTILE_LENGTH = 100_000;

export interface HealthzDuringEvaluation {
  /** Each /healthz round trip (ms) while previews evaluated the hostile contacts. */
  readonly healthzMs: number[];
  /** Each preview request (ms). */
  readonly previewMs: number[];
  /** /healthz round trips (ms) with nothing else running, for comparison. */
  readonly idleHealthzMs: number[];
}

const timed = async (work: () => Promise<Response>) => {
  const started = performance.now();
  const res = await work();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}`);
  return performance.now() - started;
};

/**
 * Stores two contacts whose job titles are `HOSTILE_LENGTH` characters (one that `(a+)+$` almost
 * matches, the backtracking worst case, and one it matches), then runs `rounds` previews of a draft
 * that scores them with that pattern while another client keeps asking /healthz.
 */
export async function healthzDuringPathologicalPreview(app: HostileApp, rounds: number): Promise<HealthzDuringEvaluation> {
  const { harness } = app;
  const now = Date.now();
  await harness.app.stores.crm.upsertContacts(
    harness.portalId,
    [
      {
        id: '990001',
        email: null,
        properties: { firstname: 'Hostile', jobtitle: `${'a'.repeat(HOSTILE_LENGTH)}!` },
        hsUpdatedAt: now,
        archived: false,
      },
      {
        id: '990002',
        email: null,
        properties: { firstname: 'Matching', jobtitle: 'a'.repeat(HOSTILE_LENGTH) },
        hsUpdatedAt: now,
        archived: false,
      },
    ],
    now,
  );
  const live = (await (await fetch(app.api('rule-sets/live'), { headers: app.adminHeaders() })).json()) as {
    ruleSet: { personas: { rules: unknown[] }[] };
  };
  live.ruleSet.personas[0].rules.unshift({ label: 'Hostile pattern', points: 1, when: { property: 'jobtitle', matches: HOSTILE_PATTERN } });
  const body = JSON.stringify({ ruleSet: live.ruleSet });
  const healthz = () => fetch(`${harness.appBaseUrl}/healthz`);

  const idleHealthzMs: number[] = [];
  for (let i = 0; i < 20; i++) idleHealthzMs.push(await timed(healthz));

  const healthzMs: number[] = [];
  const previewMs: number[] = [];
  let running = true;
  const poller = (async () => {
    while (running) healthzMs.push(await timed(healthz));
  })();
  try {
    for (let i = 0; i < rounds; i++) {
      previewMs.push(await timed(() => fetch(app.api('rule-sets/preview'), { method: 'POST', headers: app.adminHeaders(), body })));
    }
  } finally {
    running = false;
    await poller;
  }
  return { healthzMs, previewMs, idleHealthzMs };
}

/// <reference lib="dom" />
import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import type { ReportMeta, StoredReport } from './types';

/** The newest stored report of a kind (or null), reloaded on demand. */
export async function latestReport<T>(base: string, kind: string): Promise<StoredReport<T> | null> {
  const list = await api<{ reports: ReportMeta[] }>('GET', `${base}/insights/reports?kind=${kind}&limit=1`);
  if (!list.reports[0]) return null;
  return api<StoredReport<T>>('GET', `${base}/insights/reports/${encodeURIComponent(list.reports[0].id)}`);
}

/** Seconds since `running` turned true: the progress shown while a long request runs. */
export function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  const started = useRef(0);
  useEffect(() => {
    if (!running) return;
    started.current = Date.now();
    setSeconds(0);
    const timer = window.setInterval(() => setSeconds(Math.floor((Date.now() - started.current) / 1000)), 500);
    return () => window.clearInterval(timer);
  }, [running]);
  return seconds;
}

/** A discovery run as the API reports it (see src/insights/discovery-runs.ts). */
export interface DiscoveryRunState {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  phase: string;
  done: number;
  total: number | null;
  reportId: string | null;
  error: string | null;
}

/** Real progress of a background job: the phase, and done of total when the total is known. */
export function JobProgress({ label, run }: { label: string; run: DiscoveryRunState }) {
  const known = run.total !== null && run.total > 0;
  const ratio = known ? Math.min(1, run.done / run.total!) : 0;
  const words = `${label}: ${run.phase}${known ? ` ${run.done.toLocaleString('en-US')} of ${run.total!.toLocaleString('en-US')}` : ''}`;
  return (
    <div className="working" role="status" aria-live="polite" id="discover-progress">
      <div
        className={known ? 'progress' : 'progress indeterminate'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={known ? run.total! : undefined}
        aria-valuenow={known ? run.done : undefined}
        aria-valuetext={words}
      >
        <div style={known ? { width: `${(ratio * 100).toFixed(0)}%` } : undefined} />
      </div>
      <p className="muted small">{words}</p>
    </div>
  );
}

export function Working({ label, seconds }: { label: string; seconds: number }) {
  return (
    <div className="working" role="status" aria-live="polite">
      <div className="progress indeterminate" role="progressbar" aria-label={label} aria-valuetext={`${seconds} s`}>
        <div />
      </div>
      <p className="muted small">{`${label} · ${seconds} s`}</p>
    </div>
  );
}

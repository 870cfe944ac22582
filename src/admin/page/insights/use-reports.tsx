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

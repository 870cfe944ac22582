import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

/** A stand-in for the app's HTTP side: records every request HubSpot (the sandbox) makes to it. */

export interface ReceivedRequest {
  method: string;
  /** The full URL as called, the way a verifier must rebuild it. */
  url: string;
  headers: Record<string, string>;
  rawBody: string;
  receivedAt: number;
}

export interface Receiver {
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Status codes for the next answers, in order; then 200 (or `fallbackStatus`). */
  respondWith(statuses: number[]): void;
  /** Answer the next `count` requests only after `delayMs`. */
  delayNext(count: number, delayMs: number): void;
  /** JSON body to answer with. */
  body: unknown;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const app = express();
  const state = { statuses: [] as number[], delays: [] as number[], body: { ok: true } as unknown };
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  app.use(express.raw({ type: () => true, limit: '2mb' }));
  app.use((req, res) => {
    requests.push({
      method: req.method,
      url: `${baseUrl}${req.originalUrl}`,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      rawBody: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
      receivedAt: Date.now(),
    });
    const status = state.statuses.shift() ?? 200;
    const delay = state.delays.shift() ?? 0;
    const answer = () => {
      if (!res.writableEnded && !res.destroyed) res.status(status).json(state.body);
    };
    if (delay > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, delay);
      timers.add(timer);
    } else answer();
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    requests,
    respondWith: (statuses) => {
      state.statuses.push(...statuses);
    },
    delayNext: (count, delayMs) => {
      for (let i = 0; i < count; i++) state.delays.push(delayMs);
    },
    get body() {
      return state.body;
    },
    set body(value: unknown) {
      state.body = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

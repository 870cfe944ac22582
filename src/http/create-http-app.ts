import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../platform/logger';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { rejectHostileInput } from './hostile-input';
import { keepRawBody } from './raw-body';

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly routers: readonly Router[];
  /**
   * Routers that read their own body (raw bytes, their own limit) and must see the request before
   * the shared JSON parser does: the webhook intake checks the signature before parsing anything.
   */
  readonly rawBodyRouters?: readonly Router[];
  /** Reports readiness for /readyz: storage reachable, Redis answering, and so on. */
  readonly health: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** Prometheus exposition for /metrics. */
  readonly metrics?: () => Promise<{ contentType: string; body: string }>;
  readonly bodyLimit?: string;
}

/** Builds the express app without listening, so tests can drive it with supertest. */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const limit = options.bodyLimit ?? '1mb';

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (_req, res) => {
        const id = randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // The path only: query strings can carry OAuth codes and states, headers carry tokens and cookies.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // Failures are logged once, with their stack, by the error handler (through req.log, so with the request id).
      customLogLevel: () => 'debug',
      customSuccessMessage: () => 'request',
      customErrorMessage: () => 'request',
    }),
  );
  for (const router of options.rawBodyRouters ?? []) app.use(router);
  app.use(express.json({ limit, verify: keepRawBody, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit, extended: false, verify: keepRawBody }));
  app.use(express.text({ limit, verify: keepRawBody, type: ['text/csv', 'text/plain'] }));
  app.use(rejectHostileInput);

  // Liveness: the process answers. A failing dependency must not get a live process restarted.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: take traffic only while the database (and Redis, when used) answers.
  app.get('/readyz', async (_req, res) => {
    const health = await options
      .health()
      .catch((err: unknown) => ({ ok: false, checks: { health: err instanceof Error ? err.message : String(err) } }));
    res.status(health.ok ? 200 : 503).json({ status: health.ok ? 'ok' : 'unavailable', checks: health.checks });
  });
  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      const { contentType, body } = await metrics();
      res.type(contentType).send(body);
    });
  }
  for (const router of options.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(createErrorHandler(options.logger));
  return app;
}

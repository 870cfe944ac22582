import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { createHttpApp } from '../../../src/http/create-http-app';
import { requireHubSpotSignature } from '../../../src/http/hubspot-signature-guard';
import { rawBodyOf } from '../../../src/http/raw-body';
import { parseOrThrow } from '../../../src/http/validate';
import { fixedClock } from '../../../src/platform/clock';
import { AppError } from '../../../src/platform/errors';
import { signV3 } from '../../../src/platform/hubspot-signature';
import { createLogger } from '../../../src/platform/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: {
      write: (s: string) => {
        lines.push(JSON.parse(s) as Record<string, unknown>);
      },
    },
  });
  return { logger, lines };
}

function appWith(router: express.Router, healthy = true) {
  const { logger, lines } = capture();
  const app = createHttpApp({
    logger,
    routers: [router],
    health: async () => ({ ok: healthy, checks: { storage: healthy ? 'ok' : 'down' } }),
    bodyLimit: '1kb',
  });
  return { app, lines };
}

describe('HTTP plumbing', () => {
  const router = express.Router();
  router.get('/boom', () => {
    throw new Error('database password=hunter2 exploded');
  });
  router.get('/missing', () => {
    throw new AppError('not_found', 'No such contact');
  });
  router.post('/items', (req, res) => {
    res.json(parseOrThrow(z.object({ name: z.string(), count: z.number().int() }), req.body, 'item'));
  });
  router.post('/echo-raw', (req, res) => {
    res.type('text').send(rawBodyOf(req));
  });

  it('answers /readyz with the dependency checks, and 503 when one fails; /healthz is liveness only', async () => {
    await request(appWith(express.Router()).app)
      .get('/readyz')
      .expect(200, { status: 'ok', checks: { storage: 'ok' } });
    await request(appWith(express.Router(), false).app).get('/readyz').expect(503);
    await request(appWith(express.Router(), false).app).get('/healthz').expect(200, { status: 'ok' });
  });

  it('hides internal errors behind an error id that the log line also carries', async () => {
    const { app, lines } = appWith(router);
    const res = await request(app).get('/boom').expect(500);
    expect(res.body.error).toMatchObject({ code: 'internal', message: 'Something went wrong on our side' });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const logged = lines.find((l) => l.errorId === res.body.error.id);
    expect(logged).toMatchObject({ level: 50, code: 'internal', path: '/boom' });
  });

  it('logs a failure once, with the stack of the error and the id of the request that hit it', async () => {
    const { app, lines } = appWith(router);
    const res = await request(app).get('/boom').expect(500);
    const requestId = res.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const failure = lines.filter((l) => l.errorId === res.body.error.id);
    expect(failure).toHaveLength(1);
    const err = failure[0].err as { type: string; message: string; stack: string };
    expect(err.type).toBe('Error');
    expect(err.stack).toContain('http-app.test.ts');
    expect((failure[0].req as { id: string }).id).toBe(requestId);
  });

  it('logs each request with its id and path, never its query string or headers', async () => {
    const { app, lines } = appWith(router);
    const res = await request(app).get('/missing?code=oauth-code-secret&state=s1').set('authorization', 'Bearer top-secret').expect(404);
    const line = lines.find((l) => l.msg === 'request' && (l.req as { id?: string } | undefined)?.id === res.headers['x-request-id']);
    expect(line).toMatchObject({ req: { method: 'GET', path: '/missing' }, res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toMatch(/oauth-code-secret|top-secret/);
  });

  it('maps error codes to statuses from one table', async () => {
    const { app } = appWith(router);
    const res = await request(app).get('/missing').expect(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', message: 'No such contact' });
    await request(app).get('/no-such-route').expect(404);
  });

  it('names every invalid field with its path', async () => {
    const res = await request(appWith(router).app).post('/items').send({ name: 3, count: 1.5 }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['count', 'name']);
  });

  it('refuses malformed JSON and bodies over the limit with clear codes', async () => {
    const { app } = appWith(router);
    const bad = await request(app).post('/items').set('content-type', 'application/json').send('{"name":').expect(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_request', message: 'The request body is not valid JSON' });
    const big = await request(app)
      .post('/items')
      .send({ name: 'x'.repeat(2000), count: 1 })
      .expect(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });

  it('keeps the exact raw bytes of a JSON body for signatures', async () => {
    const raw = '{ "b":1,   "a":"\\u00e4" }';
    const res = await request(appWith(router).app).post('/echo-raw').set('content-type', 'application/json').send(raw).expect(200);
    expect(res.text).toBe(raw);
  });

  it('never logs authorization headers or tokens', () => {
    const { logger, lines } = capture();
    logger.info({ headers: { authorization: 'Bearer secret-token' }, accessToken: 'at-1', portal: { refreshToken: 'rt-1' } }, 'x');
    expect(JSON.stringify(lines)).not.toMatch(/secret-token|at-1|rt-1/);
  });
});

describe('HubSpot signature guard', () => {
  const clock = fixedClock(1_700_000_000_000);
  const base = 'https://personas.example.com';
  const router = express.Router();
  router.post('/hooks', requireHubSpotSignature({ clientSecret: 's3cret', appBaseUrl: base, clock }), (_req, res) => {
    res.status(204).end();
  });
  const { app } = appWith(router);
  const body = '[{"objectId":1}]';
  const signed = (ts: number, b = body, path = '/hooks?a=1') => ({
    'content-type': 'application/json',
    'x-hubspot-signature-v3': signV3({ method: 'POST', url: `${base}${path}`, body: b }, 's3cret', ts),
    'x-hubspot-request-timestamp': String(ts),
  });

  it('lets a request signed over the public URL through', async () => {
    await request(app).post('/hooks?a=1').set(signed(clock.now())).send(body).expect(204);
  });

  it('refuses unsigned, tampered and stale requests with 401', async () => {
    await request(app).post('/hooks?a=1').set('content-type', 'application/json').send(body).expect(401);
    await request(app).post('/hooks?a=1').set(signed(clock.now())).send('[{"objectId":2}]').expect(401);
    await request(app).post('/hooks?a=2').set(signed(clock.now())).send(body).expect(401);
    const res = await request(app)
      .post('/hooks?a=1')
      .set(signed(clock.now() - 301_000))
      .send(body)
      .expect(401);
    expect(res.body.error.message).toContain('stale-timestamp');
  });
});

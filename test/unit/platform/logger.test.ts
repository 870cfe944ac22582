import { Writable } from 'node:stream';
import { createLogger, type LogFormat } from '../../../src/platform/logger';

function capture(format: LogFormat) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', format, destination });
  return { logger, text: () => chunks.join('') };
}

describe('log formats', () => {
  it('writes one JSON object per line in production, secrets redacted', () => {
    const { logger, text } = capture('json');
    logger.info({ portalId: 7, accessToken: 'C-secret-token' }, 'app installed');
    logger.warn({ clientSecret: 'shh' }, 'second line');
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 30, msg: 'app installed', portalId: 7, accessToken: '[redacted]' });
    expect(text()).not.toContain('C-secret-token');
    expect(text()).not.toContain('shh');
  });

  it('writes readable lines for the demo: level and message first, no JSON, the same redaction', () => {
    const { logger, text } = capture('pretty');
    logger.info({ portalId: 7, accessToken: 'C-secret-token' }, 'app installed');
    const out = text();
    expect(out).toMatch(/INFO.*: app installed/);
    expect(out).toMatch(/"portalId":7/);
    expect(() => JSON.parse(out.split('\n')[0])).toThrow();
    expect(out).not.toContain('C-secret-token');
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { startDemo } from './demo/start-demo';
import { EXIT_CONFIG, loadProcessConfig } from './platform/config';
import { createLogger } from './platform/logger';

/**
 * Process entry: configuration, the app, the listener, and a graceful stop on SIGTERM/SIGINT.
 * Without HubSpot credentials it runs the demo: the sandbox portal, installed and synced.
 */
async function main(): Promise<void> {
  const config = loadProcessConfig((message) => console.error(message));
  if (!config) process.exit(EXIT_CONFIG);
  // The demo is read by a person; anything with HubSpot credentials is read by a log collector.
  const logger = createLogger({ level: config.logLevel, format: config.mode === 'sandbox' ? 'pretty' : 'json' });

  let close: () => Promise<void>;
  let server: Server;
  if (config.mode === 'sandbox') {
    const demo = await startDemo({ config, logger, print: (line) => console.log(line) });
    server = demo.server;
    close = () => demo.close();
  } else {
    const app = await buildApp({ config, logger });
    server = await new Promise<Server>((resolve) => {
      const s = app.http.listen(config.port, () => resolve(s));
    });
    // The port actually bound (PORT=0 picks a free one).
    const port = (server.address() as AddressInfo).port;
    logger.info(
      { port, mode: config.mode, role: config.role, storage: app.storage.description },
      `Personas for HubSpot listening on ${config.appBaseUrl}`,
    );
    await app.start();
    close = async () => {
      server.close();
      await app.close();
    };
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
    await close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});

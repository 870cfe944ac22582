import { buildApp } from '../app';
import { EXIT_CONFIG, loadProcessConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { commands } from './commands';

/** `npm run cli -- <command> [args]`. In sandbox mode it talks to the sandbox of a running `npm start`. */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.log('Usage: npm run cli -- <command>\n');
    for (const c of Object.values(commands)) console.log(`  ${c.usage.padEnd(36)} ${c.description}`);
    return name ? 64 : 0;
  }
  let config = loadProcessConfig((message) => console.error(message));
  if (!config) return EXIT_CONFIG;
  if (config.mode === 'sandbox') {
    const sandboxUrl = `http://127.0.0.1:${config.sandbox.port}`;
    config = { ...config, hubspot: { ...config.hubspot, apiBaseUrl: sandboxUrl, authBaseUrl: sandboxUrl } };
  }
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const app = await buildApp({ config: { ...config, jobs: { ...config.jobs, enabled: false } }, logger });
  try {
    const code = await command.run(args, { app, print: (line) => console.log(line) });
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

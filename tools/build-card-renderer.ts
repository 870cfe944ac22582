import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { CARD_RENDERER_FILE, COMPANY_CARD_RENDERER_FILE } from '../src/card-api/preview/card-renderer-file';

const ROOT = path.resolve(__dirname, '..');
const PREVIEW_DIR = path.join(ROOT, 'src', 'card-api', 'preview');

/** The cards the preview renders: each card's body component and where its renderer goes. */
const CARD_BODIES = {
  persona: { component: 'PersonaCardBody', outFile: CARD_RENDERER_FILE },
  company: { component: 'CompanyCardBody', outFile: COMPANY_CARD_RENDERER_FILE },
} as const;

/**
 * Bundles a HubSpot card's own body component (cards/PersonaCardBody.tsx, cards/CompanyCardBody.tsx)
 * into a server-side renderer for the preview page: `@hubspot/ui-extensions` is aliased to HTML
 * host components, React is the app's, and the card's API base is empty so photo paths stay on this host.
 */
export async function buildCardRenderer(
  options: { cardsDir?: string; outFile?: string; card?: keyof typeof CARD_BODIES } = {},
): Promise<string> {
  const body = CARD_BODIES[options.card ?? 'persona'];
  const cardsDir = options.cardsDir ?? path.join(ROOT, 'cards');
  const outFile = options.outFile ?? body.outFile;
  const sameHost: Plugin = {
    name: 'card-api-base',
    setup(b) {
      b.onResolve({ filter: /\/api-base$/ }, () => ({ path: 'api-base', namespace: 'card-preview' }));
      b.onLoad({ filter: /.*/, namespace: 'card-preview' }, () => ({ contents: "export const API_BASE = '';", loader: 'ts' }));
    },
  };
  await build({
    stdin: {
      contents: [
        "import { createElement } from 'react';",
        "import { renderToStaticMarkup } from 'react-dom/server';",
        `import { ${body.component} as Body } from ${JSON.stringify(path.join(cardsDir, body.component))};`,
        'export function renderCardBody(view) { return renderToStaticMarkup(createElement(Body, { view })); }',
      ].join('\n'),
      resolveDir: PREVIEW_DIR,
      loader: 'tsx',
      sourcefile: 'card-renderer-entry.tsx',
    },
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ['node20'],
    jsx: 'automatic',
    logLevel: 'warning',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: {
      '@hubspot/ui-extensions': path.join(PREVIEW_DIR, 'hubspot-ui-html.tsx'),
      react: path.join(ROOT, 'node_modules', 'react'),
      'react-dom': path.join(ROOT, 'node_modules', 'react-dom'),
    },
    plugins: [sameHost],
  });
  return outFile;
}

/** Every card's renderer, as `npm run build:admin` builds them. */
export async function buildCardRenderers(): Promise<void> {
  for (const card of Object.keys(CARD_BODIES) as (keyof typeof CARD_BODIES)[]) await buildCardRenderer({ card });
}

if (require.main === module) {
  buildCardRenderers().catch((err: unknown) => {
    process.stderr.write(`card preview renderer build failed: ${String(err)}\n`);
    process.exitCode = 1;
  });
}

import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** Bundles the admin page (React + CodeMirror) into src/admin/page/dist: every byte served from this host, no CDN. */
const PAGE_DIR = path.join(__dirname, '..', 'src', 'admin', 'page');

export async function buildAdminPage(outDir = path.join(PAGE_DIR, 'dist')): Promise<void> {
  const pageDir = PAGE_DIR;
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(pageDir, 'main.tsx')],
    outfile: path.join(outDir, 'admin.js'),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2022'],
    logLevel: 'warning',
    legalComments: 'none',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  for (const file of ['index.html', 'admin.css']) copyFileSync(path.join(pageDir, file), path.join(outDir, file));
}

if (require.main === module) {
  buildAdminPage().catch((err: unknown) => {
    process.stderr.write(`admin page build failed: ${String(err)}\n`);
    process.exitCode = 1;
  });
}

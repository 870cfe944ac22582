// @ts-check
/**
 * The architecture, as rules a lint run checks (`npm run lint`, also part of `npm test`).
 * docs/architecture.md explains the folder map these rules protect.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other one way: a cycle between capabilities means a port belongs elsewhere (often src/crm).',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'No file reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'adapters-only-in-the-composition-root',
      comment: 'Only src/app.ts builds the storage and HubSpot adapters; capabilities receive them as ports.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app\\.ts$', '^src/composition/', '^src/storage/', '^src/hubspot/'] },
      to: { path: ['^src/storage/', '^src/hubspot/'] },
    },
    {
      name: 'composition-wires-adapters-it-is-handed',
      comment: 'The wire functions beside src/app.ts receive the adapters app.ts built: they may name their types, never build them.',
      severity: 'error',
      from: { path: '^src/composition/' },
      to: { path: ['^src/storage/', '^src/hubspot/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'engine-through-its-index',
      comment: 'Other capabilities use the rule engine through src/personas/engine/index.ts, its public surface.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/personas/engine/' },
      to: { path: '^src/personas/engine/', pathNot: '^src/personas/engine/index\\.ts$' },
    },
    {
      name: 'production-never-imports-the-sandbox',
      comment: 'The sandbox is a test double; only the credential-free demo starts it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sandbox/', '^src/demo/'] },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'build-tools-stay-out-of-the-runtime',
      comment: 'tools/ builds and checks what ships; the app never loads it.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^tools/' },
    },
    {
      name: 'sandbox-stays-separate',
      comment: 'The sandbox plays HubSpot from the outside: it may share the CRM model and platform helpers, nothing of the app.',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/', pathNot: ['^src/sandbox/', '^src/platform/', '^src/crm/model\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^src/admin/page/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
  },
};

// @ts-check
import tseslint from 'typescript-eslint';

const INFRASTRUCTURE = [
  { name: 'express', message: 'Domain code stays free of HTTP: map requests at the edge.' },
  { name: 'kysely', message: 'Domain code stays free of SQL: use a store port.' },
  { name: 'better-sqlite3', message: 'Domain code stays free of SQL: use a store port.' },
  { name: 'pg', message: 'Domain code stays free of SQL: use a store port.' },
  { name: '@hubspot/api-client', message: 'Only src/hubspot talks to the SDK: use the gateway port.' },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'cards/node_modules/**',
      'cards/dist/**',
      '.hubspot-project/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      'src/admin/page/dist/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      // Only the configuration module reads the environment.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/platform/config.ts.' },
      ],
    },
  },
  {
    files: ['src/platform/config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Pure domain code: the engine, the CRM model, the statistics, the card view and the buying committee.
    files: [
      'src/personas/engine/**/*.ts',
      'src/crm/**/*.ts',
      'src/insights/**/*.ts',
      'src/card-api/card-view.ts',
      'src/card-api/build-card-view.ts',
      'src/personas/writeback.ts',
      'src/personas/persona-properties.ts',
      'src/committee/**/*.ts',
    ],
    // The insights capability's HTTP edge maps requests onto the pure code beside it.
    ignores: ['src/insights/insights-routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: INFRASTRUCTURE,
          patterns: [{ group: ['**/storage/**', '**/hubspot/**', '**/http/**'], message: 'Domain code may not reach infrastructure.' }],
        },
      ],
    },
  },
  {
    // Everything but the composition root, the gateway and the sandbox stays off the SDK.
    files: ['src/**/*.ts'],
    ignores: [
      'src/hubspot/**',
      'src/sandbox/**',
      'src/app.ts',
      'src/personas/engine/**',
      'src/crm/**',
      'src/insights/**',
      'src/card-api/card-view.ts',
      'src/card-api/build-card-view.ts',
      'src/personas/writeback.ts',
      'src/personas/persona-properties.ts',
      'src/committee/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [INFRASTRUCTURE[4]] }] },
  },
  {
    files: ['src/insights/insights-routes.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [INFRASTRUCTURE[4]] }] },
  },
  {
    files: ['src/cli/**/*.ts', 'src/main.ts', 'tools/**/*.ts', 'test/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

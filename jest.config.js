/** @type {import('jest').Config} */
module.exports = {
  // PostgreSQL suites' schemas are dropped once the whole run is over (see the setup file for why).
  globalSetup: '<rootDir>/test/support/jest-global-setup.js',
  globalTeardown: '<rootDir>/test/support/jest-global-teardown.js',
  // The machine has 2 cores shared by parallel suites: generous timeouts, never timing assertions.
  // Jest reads testTimeout from the top level only; inside a project it is silently ignored (hooks
  // then fell back to 5 s and a PostgreSQL migration under load missed it).
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'server',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
    },
    {
      displayName: 'cards',
      rootDir: '<rootDir>/cards',
      testEnvironment: 'node', // the ui-extensions renderer works through remote-ui, no DOM needed
      testMatch: ['<rootDir>/tests/**/*.test.tsx'],
      transform: {
        '^.+\\.[tj]sx?$': [
          'ts-jest',
          { tsconfig: { jsx: 'react-jsx', module: 'commonjs', allowJs: true, esModuleInterop: true, isolatedModules: true } },
        ],
      },
      // @hubspot/ui-extensions and its dependency tinyspy ship ESM only: compile them to CommonJS.
      transformIgnorePatterns: ['/node_modules/(?!(@hubspot/ui-extensions|tinyspy)/)'],
    },
  ],
};

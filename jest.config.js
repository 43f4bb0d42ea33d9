// Three projects: fast pure-logic unit tests; service tests (Nest contexts on the real database, no HTTP); and slower
// end-to-end tests of the running app against real services.
// One id per suite run, inherited by the workers: test databases and queue prefixes carry it (test/utils/test-env.ts).
process.env.KT_TEST_RUN ??= `${Date.now().toString(36)}${process.pid.toString(36)}`;
const transform = { '^.+\\.ts$': ['@swc/jest'] };
module.exports = {
  // Jest reads the timeout from the top level only (a project's own testTimeout is ignored). An e2e file's boot and a
  // long browser flow can take twice their time alone while two files share a 2-core machine; unit tests finish in ms.
  testTimeout: 150000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.spec.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'service',
      testMatch: ['<rootDir>/test/service/**/*.service-spec.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/test/browser/**/*.spec.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
    },
  ],
};

// Two projects: fast pure-logic unit tests and slower end-to-end tests against real services.
// One id per suite run, inherited by the workers: test databases and queue prefixes carry it (test/utils/test-env.ts).
process.env.KT_TEST_RUN ??= `${Date.now().toString(36)}${process.pid.toString(36)}`;
const transform = { '^.+\\.ts$': ['@swc/jest'] };
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.spec.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      // Two files run at once on a 2-core machine (scripts/test.sh): a long browser flow can take twice its time alone.
      testTimeout: 150000,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/test/browser/**/*.spec.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
    },
  ],
};

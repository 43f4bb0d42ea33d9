// Two projects: fast pure-logic unit tests and slower end-to-end tests against real services.
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
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/test/browser/**/*.spec.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
    },
  ],
};

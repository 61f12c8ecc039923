// Three tiers by file suffix (see README "Tests"): unit specs beside the code, integration specs
// against real Redis / dynalite / s3rver / ffmpeg, end-to-end suites through HTTP, and the studio in a browser.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const base = {
  rootDir: __dirname,
  // node, with the main realm's typed arrays: onnxruntime-node's outputs fail jest's own otherwise
  testEnvironment: '<rootDir>/test/support/onnx-jest.environment.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,infra,tools}/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,infra}/**/*.int-spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/jest-timeout.setup.ts'],
    },
    // Many processes on a Redis Cluster with workers SIGKILLed (issue 15): run alone, last.
    {
      ...base,
      displayName: 'soak',
      testMatch: ['<rootDir>/test/soak/**/*.soak-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/jest-timeout.setup.ts'],
    },
    // The studio in Debian's Chromium (playwright-core) against the built stack.
    {
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/jest-timeout.setup.ts'],
    },
  ],
};

import { defineConfig } from 'vitest/config';

// One runner, three projects: unit tests sit next to the code they test,
// integration and e2e tests live in test/.
export default defineConfig({
  test: {
    projects: [
      // The extension's unit tests run with WXT's fake browser (extension/vitest.config.ts).
      'extension/vitest.config.ts',
      {
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'companion/src/**/*.test.ts', 'models/src/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ['test/e2e/firefox-*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // The same user flows in Firefox ESR (test/e2e/flows/). Like e2e, one file at a time: vitest
        // runs the files of all projects without file parallelism in one sequential group.
        test: {
          name: 'e2e-firefox',
          include: ['test/e2e/firefox-*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

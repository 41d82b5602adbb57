import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit tests of the extension's logic, with WXT's in-memory fake browser for `wxt/browser`.
export default defineConfig({
  plugins: [WxtVitest({ root: import.meta.dirname })],
  test: {
    name: 'extension',
    root: import.meta.dirname,
    include: ['lib/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});

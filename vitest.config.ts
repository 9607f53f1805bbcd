import { defineConfig } from 'vitest/config';

// The global setup starts a real PostgreSQL server on 127.0.0.1 (when its binaries exist) and
// prepares a migrated PGlite template for the store tests; see test/support/global-setup.ts.
// Timeouts are generous: integration tests spawn processes and servers, and the 2-core machines
// this suite runs on are often shared (5 s timed out CLI runs at load 15).
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

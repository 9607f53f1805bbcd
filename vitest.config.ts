import { defineConfig } from 'vitest/config';

// The global setup starts a real PostgreSQL server on 127.0.0.1 (when its binaries exist) and
// prepares a migrated PGlite template for the store tests; see test/support/global-setup.ts.
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
  },
});

import { defineConfig } from 'vitest/config';

// Integration tests start real servers, DuckDB and child processes; on a shared 2-core machine
// vitest's default 5 s per test is not generous enough (BRIEF: generous timeouts for integration tests).
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});

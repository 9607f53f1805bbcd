import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, readProjectFile } from '../util/project-files.js';
import type { SqlClient } from './sql-client.js';

/** Any constant: replicas starting together take turns through this advisory lock. */
const MIGRATION_LOCK = 4_711_042;

/**
 * Applies `sql/postgres/NNN_*.sql` in order, each once, in one transaction per file, on PGlite and
 * PostgreSQL alike. Replicas starting at once serialize on an advisory lock, so a file is applied
 * by exactly one of them. Returns the versions applied now.
 */
export async function migrate(db: SqlClient): Promise<string[]> {
  const files = readdirSync(join(projectRoot(), 'sql', 'postgres'))
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec('CREATE TABLE IF NOT EXISTS floe_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  });
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('SELECT 1 FROM floe_migrations WHERE version = $1', [version]);
      if (done.length > 0) return;
      await tx.exec(readProjectFile(join('sql', 'postgres', file)));
      await tx.query('INSERT INTO floe_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    });
  }
  return applied;
}

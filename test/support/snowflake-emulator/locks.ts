/**
 * Snowflake's table locks, as a loader meets them: UPDATE, DELETE and MERGE lock the table until
 * their transaction ends (or, in autocommit, until the statement ends), and a second session's
 * UPDATE/DELETE/MERGE on it waits — up to its LOCK_TIMEOUT. INSERT and COPY take no lock: they
 * run in parallel, and nothing enforces unique keys, which is exactly why a ledger claim needs a
 * MERGE or UPDATE. DuckDB would instead fail a concurrent update at once, so the emulator queues
 * sessions here before DuckDB sees the statement.
 */
import { keyOf, type QualifiedName } from './catalog.js';
import type { Session } from './session.js';
import { SfError } from './sf-error.js';

export class TableLocks {
  private readonly held = new Map<string, { session: Session; waiters: (() => void)[] }>();
  /** Statements waiting for a lock right now (tests wait for a racer to block). */
  waiting = 0;

  async acquire(name: QualifiedName, session: Session): Promise<void> {
    const key = keyOf(name);
    for (;;) {
      const h = this.held.get(key);
      if (!h || h.session === session) break;
      const seconds = Number(session.params.get('LOCK_TIMEOUT') ?? 43200);
      this.waiting++;
      let timer: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          h.waiters.push(resolve);
          timer = setTimeout(
            () =>
              reject(
                new SfError(
                  '000625',
                  '57014',
                  `Statement reached its lock timeout of ${seconds} second(s) waiting for a lock on table '${name[2]}' held by another transaction, and was canceled.`,
                ),
              ),
            seconds * 1000,
          );
        });
      } finally {
        this.waiting--;
        clearTimeout(timer);
      }
    }
    if (!this.held.has(key)) this.held.set(key, { session, waiters: [] });
    session.lockedTables.add(key);
  }

  /** At COMMIT/ROLLBACK, at the end of an autocommit statement, or when a dead session's transaction is aborted. */
  releaseAll(session: Session): void {
    for (const key of session.lockedTables) {
      const h = this.held.get(key);
      if (h?.session !== session) continue;
      this.held.delete(key);
      for (const w of h.waiters) w();
    }
    session.lockedTables.clear();
  }
}

/** What a statement handler gets: the session, the shared catalog, and where stages live. */
import type { Catalog, QualifiedName } from './catalog.js';
import type { TableLocks } from './locks.js';
import type { ResultSet } from './results.js';
import type { Session } from './session.js';
import { doesNotExist } from './sf-error.js';
import type { TranslateContext } from './translate.js';

export interface ExecContext {
  readonly session: Session;
  readonly catalog: Catalog;
  /** Root of the LOCAL_FS stage directories. */
  readonly dataDir: string;
  readonly tctx: TranslateContext;
  readonly locks: TableLocks;
  /** What the session's role may not do (the emulator's minimal privilege model). */
  readonly denied: ReadonlySet<'CREATE SCHEMA' | 'CREATE STAGE'>;
  /** Fault: a column the next COPY leaves unmatched. */
  readonly unmatchedColumn?: string;
}

/** A statement either returns rows or, for PUT, the upload instructions the driver follows. */
export type ExecOutcome = { readonly result: ResultSet } | { readonly put: Record<string, unknown> };

/** Resolves a 1–3 part name against the session's current database and schema. */
export function resolveName(parts: readonly string[], ctx: ExecContext): QualifiedName {
  const { session } = ctx;
  let name: QualifiedName;
  if (parts.length === 3) name = [parts[0] as string, parts[1] as string, parts[2] as string];
  else if (parts.length === 2) name = [session.database, parts[0] as string, parts[1] as string];
  else name = [session.database, session.schema, parts[0] as string];
  if (!ctx.catalog.databases.has(name[0])) throw doesNotExist('Database', name[0]);
  return name;
}

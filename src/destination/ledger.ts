/**
 * The loads ledger and endpoint state, over any dialect: reading a committed (run, connector,
 * endpoint), the claim that makes concurrent loaders commit a load exactly once, and state rows
 * keyed by connector and endpoint (with rows from before that key adopted on first read).
 */
import type { EndpointKey, EndpointState, LedgerEntry } from '../types.js';
import { FloeError } from '../util/errors.js';
import type { Dialect } from './dialect.js';
import type { LoadSession } from './load-session.js';

function entry(row: Readonly<Record<string, unknown>>): LedgerEntry {
  return {
    runId: String(row.run_id),
    connector: String(row.connector),
    endpoint: String(row.endpoint),
    table: String(row.table_name),
    files: Number(row.files),
    rows: Number(row.rows),
    status: 'committed',
    startedAt: String(row.started_at),
    finishedAt: String(row.finished_at),
  };
}

/** The committed ledger row of (run id, connector, endpoint), if any. */
export async function readLedger(s: LoadSession, d: Dialect, runId: string, key: EndpointKey): Promise<LedgerEntry | undefined> {
  const r = await s.run(d.sql.selectLedger(runId, key), 'read ledger');
  const row = r.rows[0];
  return row ? entry(row) : undefined;
}

/** The newest ledger row of every table floe loaded. */
export async function latestLoads(s: LoadSession, d: Dialect): Promise<LedgerEntry[]> {
  return (await s.run(d.sql.latestLoads(), 'read ledger')).rows.map(entry);
}

/**
 * **Claim or find already committed**, inside an open transaction, before anything is written:
 * takes the dialect's ledger lock (Snowflake: an UPDATE of the lock row, which waits for any
 * other transaction holding it — INSERTs would run in parallel and Snowflake enforces no unique
 * keys), then reads the ledger in a new statement, which sees every commit that released the
 * lock. Returns the committed entry (the caller rolls back and reports `alreadyLoaded`), or
 * undefined: the claim is held until this transaction ends, and no other loader can commit the
 * same (run, connector, endpoint) meanwhile. `floe run-slice` and server replicas rely on this.
 */
export async function claimOrFindCommitted(
  s: LoadSession,
  d: Dialect,
  runId: string,
  key: EndpointKey,
  holder: string,
  at: number,
): Promise<LedgerEntry | undefined> {
  const lock = d.sql.lockLedger(holder, at);
  if (lock) {
    const notice = d.claimWaitNotice;
    const timer = notice
      ? setTimeout(() => s.logger.warn(notice.message, { endpoint: key.endpoint, connector: key.connector }), notice.afterMs)
      : undefined;
    timer?.unref();
    try {
      await s.run(lock, 'claim ledger');
    } catch (e) {
      if (notice && e instanceof FloeError && e.kind === 'transient') {
        throw new FloeError(e.code, e.kind, `${e.message} — ${notice.message}`, { cause: e, details: e.details });
      }
      throw e;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
  return readLedger(s, d, runId, key);
}

/** An endpoint's committed state; a pre-connector row for the endpoint is adopted by the first reader. */
export async function readState(
  s: LoadSession,
  d: Dialect,
  key: EndpointKey,
  legacy: { rows: boolean },
): Promise<EndpointState | undefined> {
  let raw = (await s.run(d.sql.selectState(key), 'read state')).rows[0]?.value;
  if ((raw === undefined || raw === null) && legacy.rows) {
    const adopted = await s.run(d.sql.adoptLegacyState(key), 'adopt state');
    if (adopted.rowsChanged > 0) {
      s.logger.info('state written before floe keyed state by connector now belongs to this connector', { ...key });
      raw = (await s.run(d.sql.selectState(key), 'read state')).rows[0]?.value;
    }
  }
  if (raw === undefined || raw === null) return undefined;
  try {
    return { endpoint: key.endpoint, value: JSON.parse(typeof raw === 'string' ? raw : JSON.stringify(raw)) as unknown };
  } catch (e) {
    throw new FloeError('STATE_INVALID', 'terminal', `state of endpoint ${key.endpoint} (connector ${key.connector}) is not valid JSON`, {
      cause: e,
      details: { endpoint: key.endpoint },
    });
  }
}

/** The state statements for inside a transaction: delete, then insert unless clearing. */
export async function writeStateRows(
  s: LoadSession,
  d: Dialect,
  key: EndpointKey,
  value: unknown,
  runId: string | null,
  at: number,
): Promise<void> {
  await s.run(d.sql.deleteState(key), 'write state');
  const json = value === undefined ? undefined : JSON.stringify(value);
  if (json !== undefined) await s.run(d.sql.insertState(key, json, runId, at), 'write state');
}

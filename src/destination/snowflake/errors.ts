/**
 * Driver failures → FloeErrors. The kind decides whether the runner retries: connection and
 * session losses, lock/transaction conflicts and server-side resource problems are transient;
 * authentication, SQL, permission and data errors are terminal. Messages pass through the
 * redactor, so a credential never reaches a log or the run history.
 */
import { FloeError, type ErrorCode, type ErrorKind } from '../../util/errors.js';
import type { Redactor } from '../../util/redact.js';
import type { ErrorContext } from '../driver.js';
import { SnowflakeDriverError } from './snowflake-client.js';

/** Login failures that no retry fixes: bad password, bad/unknown key, bad or expired OAuth token. */
const AUTH_CODES = new Set([
  '390100',
  '390101',
  '390102',
  '390144',
  '390190',
  '390302',
  '390303',
  '390318',
  '394400',
]);
/** The session went away or its token expired beyond renewal: a new session may well work. */
const SESSION_CODES = new Set(['390104', '390111', '390112', '390114', '407002', '405503']);
/** snowflake-sdk's own network codes (could not connect, bad response). */
const NETWORK_CODES = new Set(['401001', '401002', '402001', '402002']);

/** Whether retrying a failed Snowflake call may help. */
export function kindOf(e: SnowflakeDriverError): ErrorKind {
  const code = e.code ?? '';
  if (AUTH_CODES.has(code) || e.sqlState?.startsWith('28')) return 'terminal';
  if (SESSION_CODES.has(code) || NETWORK_CODES.has(code) || e.errno !== undefined) return 'transient';
  const cls = e.sqlState?.slice(0, 2);
  // 08 connection exception, 40 transaction rollback (deadlock, lock timeout), 53 insufficient
  // resources, 57 operator intervention (statement timeout, warehouse suspended), XX internal.
  if (cls && ['08', '40', '53', '57', 'XX'].includes(cls)) return 'transient';
  if (e.stage === 'connect' && !e.sqlState) return 'transient';
  return 'terminal';
}

export type { ErrorContext };

/** Wraps any failure of a Snowflake step; FloeErrors (and aborts) pass through unchanged. */
export function snowflakeError(
  e: unknown,
  code: ErrorCode,
  ctx: ErrorContext,
  redactor: Redactor,
): FloeError {
  if (e instanceof FloeError) return e;
  if (e instanceof Error && e.name === 'AbortError')
    return new FloeError('ABORTED', 'terminal', 'aborted', { cause: e });
  const driver = e instanceof SnowflakeDriverError ? e : undefined;
  const raw = e instanceof Error ? e.message : String(e);
  const message = redactor.text(raw.split('\n')[0] ?? raw);
  const where = [ctx.endpoint && `endpoint ${ctx.endpoint}`, ctx.table && `table ${ctx.table}`]
    .filter(Boolean)
    .join(', ');
  const code2 = driver?.stage === 'connect' ? 'SNOWFLAKE_CONNECT_FAILED' : code;
  const text =
    `${ctx.step} failed${where ? ` (${where})` : ''}` +
    (ctx.file ? ` on file ${ctx.file}` : '') +
    `: ${ctx.firstError ? redactor.text(ctx.firstError) : message}` +
    (driver?.code ? ` [Snowflake ${driver.code}${driver.sqlState ? `/${driver.sqlState}` : ''}]` : '');
  return new FloeError(code2, driver ? kindOf(driver) : 'terminal', text, {
    cause: e,
    details: {
      ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}),
      ...(ctx.table ? { table: ctx.table } : {}),
      step: ctx.step,
      ...(ctx.file ? { file: ctx.file } : {}),
      ...(driver?.code ? { snowflake_code: driver.code } : {}),
      ...(driver?.sqlState ? { sql_state: driver.sqlState } : {}),
      ...(driver?.queryId ? { query_id: driver.queryId } : {}),
    },
  });
}

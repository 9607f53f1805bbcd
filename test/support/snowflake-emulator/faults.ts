/**
 * Out-of-band fault injection for the exactly-once tests. Nothing here is reachable through SQL:
 * tests arm a fault on the emulator object, and the next matching statement trips it.
 */
import { SfError } from './sf-error.js';

/** The leading keyword of a statement (`COPY`, `COMMIT`, `PUT`, …) or a regex over its text. */
export type StatementMatch = string | RegExp;

export interface KillSpec {
  /** Which statement trips it; omit to use `nth`. */
  readonly match?: StatementMatch;
  /** The n-th statement (1-based) received after arming, across all sessions. */
  readonly nth?: number;
  /**
   * `before`: the statement is not executed. `after`: it is executed (and committed, if it
   * commits), then the session dies before the reply, as when a client crashes mid-request.
   */
  readonly phase: 'before' | 'after';
}

export interface FaultDecision {
  readonly fail?: SfError;
  readonly kill?: 'before' | 'after';
  /** The statement waits for this before it runs. */
  readonly hold?: Promise<void>;
  /** A COPY that matches no Parquet field to this column (it loads NULL, silently). */
  readonly unmatchedColumn?: string;
}

/** A statement held before it runs: `reached` resolves when it arrives; `release()` lets it run. */
export interface Hold {
  readonly reached: Promise<void>;
  release(): void;
}

export class EmulatorFaults {
  private failures: { match: StatementMatch; error: SfError }[] = [];
  private kills: (KillSpec & { seen: number })[] = [];
  private killAfterPut = false;
  private unmatched: string | undefined;
  private holds: { match: StatementMatch; arrived: () => void; gate: Promise<void> }[] = [];
  /** Hook set by the server: expires the session tokens of all live sessions. */
  expireHook: () => void = () => undefined;

  /** The next statement matching `match` fails with `error` (a COPY conversion error by default). */
  failNext(match: StatementMatch, error?: { code: string; sqlState: string; message: string }): void {
    const e = error ?? {
      code: '100038',
      sqlState: '22018',
      message: "Numeric value 'injected' is not recognized",
    };
    this.failures.push({ match, error: new SfError(e.code, e.sqlState, e.message) });
  }

  /** The next COPY fails as if a file held a bad value; ON_ERROR=ABORT_STATEMENT loads nothing. */
  failNextCopy(error?: { code: string; sqlState: string; message: string }): void {
    this.failNext('COPY', error);
  }

  /**
   * Simulates the client dying at a step: the session's open transaction is rolled back and every
   * later request on it gets 390111 (session gone).
   */
  killSession(spec: KillSpec): void {
    this.kills.push({ ...spec, seen: 0 });
  }

  /**
   * The next COPY matches no Parquet field to `column` and loads it as NULL without an error, as
   * Snowflake's MATCH_BY_COLUMN_NAME does when names do not match.
   */
  silentlyNullNextCopy(column: string): void {
    this.unmatched = column;
  }

  /** The next statement matching `match` waits (after arriving, before running) until released. */
  holdNext(match: StatementMatch): Hold {
    let arrived: () => void = () => undefined;
    let release: () => void = () => undefined;
    const reached = new Promise<void>((r) => (arrived = r));
    const gate = new Promise<void>((r) => (release = r));
    this.holds.push({ match, arrived, gate });
    return { reached, release };
  }

  /** The session dies at the first statement after its next PUT (the upload itself completes). */
  dropConnectionAfterPut(): void {
    this.killAfterPut = true;
  }

  /** Every live session token expires now; the driver renews it with the master token and replays. */
  expireSessionToken(): void {
    this.expireHook();
  }

  clear(): void {
    this.failures = [];
    this.kills = [];
    this.killAfterPut = false;
    this.holds = [];
  }

  /** @internal Called by the engine for every statement; returns what to do with it. */
  onStatement(sql: string, keyword: string): FaultDecision & { markKillAfterPut?: boolean } {
    for (const k of this.kills) k.seen++;
    const kIndex = this.kills.findIndex((k) =>
      k.nth !== undefined ? k.seen === k.nth : k.match !== undefined && matches(k.match, sql, keyword),
    );
    if (kIndex >= 0) {
      const [k] = this.kills.splice(kIndex, 1);
      return { kill: k?.phase ?? 'before' };
    }
    const hIndex = this.holds.findIndex((h) => matches(h.match, sql, keyword));
    if (hIndex >= 0) {
      const [h] = this.holds.splice(hIndex, 1);
      h?.arrived();
      return h ? { hold: h.gate } : {};
    }
    const fIndex = this.failures.findIndex((f) => matches(f.match, sql, keyword));
    if (fIndex >= 0) {
      const [f] = this.failures.splice(fIndex, 1);
      return f ? { fail: f.error } : {};
    }
    if (keyword === 'COPY' && this.unmatched !== undefined) {
      const column = this.unmatched;
      this.unmatched = undefined;
      return { unmatchedColumn: column };
    }
    if (keyword === 'PUT' && this.killAfterPut) {
      this.killAfterPut = false;
      return { markKillAfterPut: true };
    }
    return {};
  }
}

function matches(m: StatementMatch, sql: string, keyword: string): boolean {
  return typeof m === 'string' ? keyword === m.toUpperCase() : m.test(sql);
}

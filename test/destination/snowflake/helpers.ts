/**
 * Shared fixtures for the Snowflake tests: the emulator, clients and destinations pointed at it,
 * Parquet files written with DuckDB (so these tests do not depend on the stage module), and
 * temp-dir cleanup.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { SnowflakeDestinationConfig } from '../../../src/config/schema.js';
import { openSnowflakeDestination } from '../../../src/destination/snowflake/snowflake-destination.js';
import {
  createSnowflakeClient,
  type SnowflakeClient,
} from '../../../src/destination/snowflake/snowflake-client.js';
import { resolveSnowflakeSettings } from '../../../src/destination/snowflake/settings.js';
import type { Destination, LogicalType, StageFile } from '../../../src/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import * as loggerModule from '../../../src/util/logger.js';
import { silentLogger, type Logger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';
import {
  startSnowflakeEmulator,
  type SnowflakeEmulator,
  type SnowflakeEmulatorOptions,
} from '../../support/snowflake-emulator/index.js';

/**
 * Starts one emulator for the file and hands out destinations pointed at it, closing them after
 * each test: `const sf = useEmulatorDestinations(); … await sf.dest(); sf.emu.requests …`.
 */
export function useEmulatorDestinations(): {
  readonly emu: SnowflakeEmulator;
  dest(
    extra?: Parameters<typeof destinationFor>[1],
    deps?: Parameters<typeof destinationFor>[2],
  ): Promise<Destination>;
} {
  let emu: SnowflakeEmulator | undefined;
  const open: Destination[] = [];
  beforeAll(async () => {
    emu = await emulator();
  });
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close();
  });
  afterAll(async () => {
    await emu?.close();
    cleanupTempDirs();
  });
  return {
    get emu(): SnowflakeEmulator {
      if (!emu) throw new Error('the emulator starts in beforeAll');
      return emu;
    },
    async dest(extra = {}, deps = {}) {
      const d = await destinationFor(this.emu, extra, deps);
      open.push(d);
      return d;
    },
  };
}

export const DB = 'FLOE_TEST';
export const SCHEMA = 'RAW';

const dirs: string[] = [];

export function tempDir(prefix = 'floe-sf-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function emulator(opts: SnowflakeEmulatorOptions = {}): Promise<SnowflakeEmulator> {
  return startSnowflakeEmulator({ log: () => undefined, ...opts });
}

/** A destination config for the emulator's default password user. */
export function emuConfig(
  emu: SnowflakeEmulator,
  extra: Partial<SnowflakeDestinationConfig> = {},
): SnowflakeDestinationConfig {
  return {
    type: 'snowflake',
    account: emu.account,
    user: 'FLOE',
    authenticator: 'snowflake',
    password: 'floe',
    database: DB,
    schema: SCHEMA,
    access_url: emu.url,
    write_disposition: 'append',
    json_columns: 'varchar',
    ...extra,
  };
}

export function clientFor(
  emu: SnowflakeEmulator,
  extra: Partial<SnowflakeDestinationConfig> = {},
): SnowflakeClient {
  return createSnowflakeClient(resolveSnowflakeSettings(emuConfig(emu, extra)), {
    logger: silentLogger,
    redactor: new Redactor(),
  });
}

export function destinationFor(
  emu: SnowflakeEmulator,
  extra: Partial<SnowflakeDestinationConfig> = {},
  deps: { logger?: Logger; redactor?: Redactor } = {},
): Promise<Destination> {
  return openSnowflakeDestination(emuConfig(emu, extra), {
    logger: deps.logger ?? silentLogger,
    redactor: deps.redactor ?? new Redactor(),
    clock: new FakeClock(),
  });
}

export function rsaKeyPair(passphrase?: string): { privateKeyPath: string; publicKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({
    type: 'pkcs8',
    format: 'pem',
    ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}),
  }) as string;
  const privateKeyPath = join(tempDir(), 'rsa_key.p8');
  writeFileSync(privateKeyPath, pem);
  return { privateKeyPath, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

let duck: Promise<DuckDBInstance> | undefined;

/** Writes one Parquet file from a DuckDB SELECT; returns its StageFile. */
export async function parquet(
  dir: string,
  name: string,
  select: string,
  columns: readonly { name: string; type: LogicalType }[],
): Promise<StageFile> {
  duck ??= DuckDBInstance.create(':memory:');
  const conn = await (await duck).connect();
  try {
    const path = join(dir, name);
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
    const r = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${path}')`);
    const rows = Number(r.getRowsJS()[0]?.[0] ?? 0);
    return { path, rows, bytes: 0, columns };
  } finally {
    conn.closeSync();
  }
}

/** Rows of a table in the emulator, ordered, with DuckDB values converted to plain JS. */
export async function tableRows(
  emu: SnowflakeEmulator,
  table: string,
  orderBy = '1',
): Promise<Record<string, unknown>[]> {
  const rows = await emu.query(`SELECT * FROM "${DB}"."${SCHEMA}"."${table}" ORDER BY ${orderBy}`);
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
      ]),
    ),
  );
}

/** A logger that keeps every line, to assert on warnings. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const { TextLogger } = loggerModule;
  return {
    logger: new TextLogger({ level: 'debug', sink: { write: (l: string) => void lines.push(l) } }),
    lines,
  };
}

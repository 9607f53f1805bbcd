/**
 * Incremental syncs against a mock API that filters by the parameters it receives, where records
 * arrive late and get edited between runs — the same suite on DuckDB and on the Snowflake emulator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { createDestination } from '../../src/destination/create-destination.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { Redactor } from '../../src/util/redact.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../support/snowflake-emulator/index.js';
import { dyingAtLoadOf, leaseOfDeadRun } from '../support/dying-parts.js';
import { useMockApi, type MockApi } from '../support/mock-api.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

interface Ticket {
  id: number;
  subject: string;
  updated_at: string | null;
}

/** A tickets API: `updated_since` (inclusive) filters unless `ignoreFilter`; pages of 10 by `page`. */
class TicketsApi {
  tickets: Ticket[] = [];
  ignoreFilter = false;

  constructor(n: number) {
    for (let i = 1; i <= n; i++) this.tickets.push({ id: i, subject: `t${i}`, updated_at: at(i * 60) });
  }

  serve(api: MockApi): void {
    api.get('/tickets', (req) => {
      const since = req.query.updated_since;
      const rows = this.tickets
        .filter((t) => this.ignoreFilter || since === undefined || t.updated_at === null || Date.parse(t.updated_at) >= Date.parse(since))
        .sort((a, b) => (a.updated_at ?? '').localeCompare(b.updated_at ?? '') || a.id - b.id);
      const page = Number(req.query.page ?? 1);
      return { json: { data: rows.slice((page - 1) * 10, page * 10) } };
    });
  }
}

/** Minutes after 2024-03-01T00:00:00Z as ISO. */
function at(minutes: number): string {
  return new Date(Date.UTC(2024, 2, 1) + minutes * 60_000).toISOString();
}

type Target = 'duckdb' | 'snowflake';
let emu: SnowflakeEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startSnowflakeEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-inc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each<Target>(['duckdb', 'snowflake'])('incremental sync into %s', (target) => {
  // Each test gets its own Snowflake schema: state lives in the destination.
  let schema = '';
  beforeEach(() => {
    schema = `INC_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  });

  function config(api: MockApi, incremental: Record<string, unknown> = {}): LoadedConfig {
    return parseConfig(
      {
        name: 'inc',
        base_url: api.url,
        endpoints: [
          {
            path: '/tickets',
            records_path: '$.data',
            query_params: { updated_since: '{{ incremental.start_value }}' },
            pagination: { type: 'page_number', page_param: 'page', page_size_param: 'per_page', page_size_value: 10 },
            incremental: { cursor_path: '$.updated_at', initial_value: '2024-01-01T00:00:00Z', lookback: '30m', ...incremental },
            write_disposition: 'merge',
            primary_key: ['id'],
          },
        ],
        destination:
          target === 'duckdb'
            ? { type: 'duckdb', path: join(dir, 'w.duckdb') }
            : { type: 'snowflake', account: emu.account, user: 'FLOE', password: 'floe', database: 'FLOE_TEST', schema, access_url: emu.url },
      },
      {},
    );
  }

  async function rows(): Promise<{ id: number; subject: string }[]> {
    if (target === 'snowflake') {
      const r = await emu.query(`SELECT "ID" AS id, "SUBJECT" AS subject FROM "FLOE_TEST"."${schema}"."TICKETS" ORDER BY 1`);
      return r.map((x) => ({ id: Number(x.id), subject: String(x.subject) }));
    }
    const { DuckdbDestination } = await import('../../src/destination/duckdb/duckdb-destination.js');
    const db = await DuckdbDestination.open(
      { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
      { clock: new FakeClock(), logger: silentLogger },
    );
    try {
      const r = await db.query('SELECT id, subject FROM main.tickets ORDER BY id');
      return r.map((x) => ({ id: Number(x.id), subject: String(x.subject) }));
    } finally {
      await db.close();
    }
  }

  const run = (loaded: LoadedConfig, stateDir = join(dir, 'state')): ReturnType<typeof runConnector> =>
    runConnector(loaded, { stateDir }, { clock: new FakeClock() });

  it('loads everything first, then only what changed; a late edit within the lookback updates, never duplicates', async () => {
    const api = await useMockApi();
    const tickets = new TicketsApi(25);
    tickets.serve(api);

    const first = await run(config(api));
    expect(first.endpoints[0]).toMatchObject({ status: 'succeeded', rows: 25 });
    expect(api.requests[0]!.query.updated_since).toBe('2024-01-01T00:00:00Z');
    expect((await rows()).length).toBe(25);

    // Nothing new: the re-read zone comes back unchanged, nothing is loaded, the state stays.
    const before = api.requests.length;
    const statements = emu.requests.length;
    const idle = await run(config(api));
    // The state came from the local mirror and nothing was loaded: no warehouse statement at all.
    expect(emu.requests.length).toBe(statements);
    expect(api.requests[before]!.query.updated_since).toBe(at(25 * 60 - 30)); // last cursor − 30 min lookback
    expect(idle.endpoints[0]).toMatchObject({ status: 'succeeded', rows: 0 });
    expect(idle.endpoints[0]!.rows_loaded).toBeUndefined();

    // Two new tickets, and an edit of ticket 25 stamped inside the lookback window (late arrival).
    tickets.tickets.push({ id: 26, subject: 't26', updated_at: at(26 * 60) }, { id: 27, subject: 't27', updated_at: at(27 * 60) });
    tickets.tickets[24] = { id: 25, subject: 't25 edited', updated_at: at(25 * 60 + 1) };
    const third = await run(config(api));
    expect(third.endpoints[0]).toMatchObject({ status: 'succeeded', rows: 3 });
    const all = await rows();
    expect(all.length).toBe(27);
    expect(all.find((t) => t.id === 25)?.subject).toBe('t25 edited');
  });

  it('a run that died right after its commit is resumed: nothing loads twice, the next run starts from the committed cursor', async () => {
    const api = await useMockApi();
    const tickets = new TicketsApi(15);
    tickets.serve(api);
    const { parts, died } = dyingAtLoadOf('tickets', true);
    void runConnector(config(api), { stateDir: join(dir, 'state') }, { parts, clock: new FakeClock() });
    await died;
    await leaseOfDeadRun(join(dir, 'state')); // committed rows + state in the destination; the run record and state mirror never heard
    const resumed = await run(config(api));
    expect(resumed.resumed_at).toHaveLength(1);
    expect(resumed.endpoints[0]).toMatchObject({ status: 'succeeded', rows_loaded: 15 });
    expect((await rows()).length).toBe(15);

    tickets.tickets.push({ id: 16, subject: 't16', updated_at: at(16 * 60) });
    const before = api.requests.length;
    const next = await run(config(api));
    expect(api.requests[before]!.query.updated_since).toBe(at(15 * 60 - 30));
    expect(next.endpoints[0]).toMatchObject({ status: 'succeeded', rows: 1 });
    expect((await rows()).length).toBe(16);
  });

  it('filters client-side when the API ignores the filter parameter', async () => {
    const api = await useMockApi();
    const tickets = new TicketsApi(30);
    tickets.serve(api);
    await run(config(api));
    tickets.ignoreFilter = true;
    tickets.tickets.push({ id: 31, subject: 't31', updated_at: at(31 * 60) });
    const second = await run(config(api));
    // The API sent all 31 tickets again; only the new one was in range and new.
    expect(second.endpoints[0]).toMatchObject({ status: 'succeeded', pages: 4, rows: 1 });
    expect((await rows()).length).toBe(31);
  });

  it('records without a cursor follow on_missing', async () => {
    const api = await useMockApi();
    const tickets = new TicketsApi(5);
    tickets.tickets.push({ id: 6, subject: 'no cursor', updated_at: null });
    tickets.serve(api);
    const excluded = await run(config(api, { on_missing: 'exclude' }), join(dir, 's1'));
    expect(excluded.endpoints[0]).toMatchObject({ status: 'succeeded', rows: 5 });
    const failed = await run(config(api, { on_missing: 'fail' }), join(dir, 's2'));
    expect(failed.endpoints[0]).toMatchObject({ status: 'failed', error: { code: 'STATE_INVALID' } });
    expect(failed.endpoints[0]!.error!.message).toContain('updated_at');
  });

  it('commits the state with the data, in the destination', async () => {
    const api = await useMockApi();
    new TicketsApi(12).serve(api);
    const loaded = config(api);
    await run(loaded);
    const dest = await createDestination(loaded.config.destination, { clock: new FakeClock(), logger: silentLogger, redactor: new Redactor() });
    try {
      expect(await dest.readState({ connector: loaded.config.name, endpoint: 'tickets' })).toMatchObject({ endpoint: 'tickets', value: { kind: 'instant', cursor: at(12 * 60) } });
    } finally {
      await dest.close();
    }
  });
});

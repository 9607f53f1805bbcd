import type { SnowflakeDestinationConfig } from '../../config/schema.js';
import { qualified, storedConfigName, storedName } from '../../destination/snowflake/identifiers.js';
import { resolveSnowflakeSettings } from '../../destination/snowflake/settings.js';
import { createSnowflakeClient, type SnowflakeClient } from '../../destination/snowflake/snowflake-client.js';
import type { Bind as SfBind } from '../../destination/compiled-statement.js';
import { alterSession } from '../../destination/snowflake/snowflake-sql.js';
import { FloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import { compareCursor, jsonReady, jsonText, type JsonReady } from '../json-text.js';
import { describeOrigin } from './describe-origin.js';
import { sfSelect } from './read-sql.js';
import type { JsonRow, ReadRequest, RowReader } from './row-reader.js';

/**
 * Reads a table or query of a Snowflake destination with one SELECT (the driver hands back the
 * whole result) and orders it here: by key, then by the row's JSON text, so the order is total.
 *
 * Column names come back as Snowflake stores them; floe's case policy upper-cases unquoted names,
 * so an all-upper-case name is sent in lower case (`EMAIL` → `email`) and a mixed-case one (a
 * quoted alias such as `"externalId"`) as written.
 */
export class SnowflakeRowReader implements RowReader {
  private readonly client: SnowflakeClient;
  private readonly database: string;
  private readonly schema: string;

  constructor(config: SnowflakeDestinationConfig, deps: { logger: Logger; redactor: Redactor }) {
    const settings = resolveSnowflakeSettings(config);
    for (const s of [settings.password, settings.token, settings.privateKeyPassphrase]) deps.redactor.add(s);
    this.database = storedConfigName(settings.database);
    this.schema = storedConfigName(settings.schema);
    const limits = { lockTimeoutSeconds: settings.lockTimeoutSeconds, statementTimeoutSeconds: settings.statementTimeoutSeconds };
    this.client = createSnowflakeClient(settings, { ...deps, sessionSetup: [alterSession(limits)] });
  }

  async *rows(req: ReadRequest): AsyncGenerator<readonly JsonRow[]> {
    const since = typeof req.since === 'bigint' ? req.since.toString() : req.since;
    const statement = sfSelect(req.origin, (t) => qualified(this.database, this.schema, storedName(t)), req.cursor, since);
    let result;
    try {
      result = await this.client.execute(
        { sql: statement.sql, binds: statement.binds as readonly SfBind[] },
        req.signal ? { signal: req.signal } : {},
      );
    } catch (e) {
      throw new FloeError('PUSH_SOURCE_FAILED', 'terminal', `reading ${describeOrigin(req)} from Snowflake failed: ${(e as Error).message}`, { cause: e });
    }
    const rows = result.rows.map((r) => {
      const out: Record<string, JsonReady> = {};
      for (const [k, v] of Object.entries(r)) out[/[a-z]/.test(k) ? k : k.toLowerCase()] = jsonReady(v);
      return out;
    });
    const key = req.key ?? [];
    const first = rows[0];
    for (const k of [...key, ...(req.cursor !== undefined ? [req.cursor] : [])]) {
      if (first && !(k in first)) {
        throw new FloeError('PUSH_SOURCE_FAILED', 'config', `${describeOrigin(req)} has no column "${k}" (key or cursor); its columns: ${Object.keys(first).join(', ')}`);
      }
    }
    const texts = new Map(rows.map((r) => [r, jsonText(r as JsonReady)]));
    rows.sort((a, b) => {
      for (const k of key) {
        const c = compareCursor(a[k] ?? null, b[k] ?? null);
        if (c !== 0) return c;
      }
      const x = texts.get(a) ?? '';
      const y = texts.get(b) ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
    if (rows.length > 0) yield rows;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * Result sets in the JSON rowset encoding the Node driver decodes (wire-protocol report §5): every
 * value a string (or null), with a `rowtype` entry per column.
 */
import {
  DuckDBTypeId,
  type DuckDBBlobValue,
  type DuckDBDateValue,
  type DuckDBResultReader,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';

export type SfType =
  'fixed' | 'real' | 'text' | 'boolean' | 'date' | 'timestamp_ntz' | 'timestamp_tz' | 'binary' | 'variant';

export interface ResultColumn {
  readonly name: string;
  readonly type: SfType;
  readonly precision?: number;
  readonly scale?: number;
}

export interface ResultSet {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly statementTypeId: number;
}

export const STATEMENT_TYPE = {
  select: 0x1000,
  insert: 0x3100,
  update: 0x3200,
  delete: 0x3300,
  merge: 0x3400,
  copy: 0x3600,
  alterSession: 0x4100,
  transaction: 0x5000,
  ddl: 0x6000,
} as const;

/** The one-column `status` result of DDL and other commands. */
export function statusResult(message: string, statementTypeId: number = STATEMENT_TYPE.ddl): ResultSet {
  return { columns: [{ name: 'status', type: 'text' }], rows: [[message]], statementTypeId };
}

/** A DML count row such as `number of rows inserted`. */
export function countsResult(counts: readonly [string, number][], statementTypeId: number): ResultSet {
  return {
    columns: counts.map(([name]) => ({ name, type: 'fixed', precision: 19, scale: 0 })),
    rows: [counts.map(([, n]) => String(n))],
    statementTypeId,
  };
}

/** Converts a DuckDB result into a Snowflake JSON result set. */
export function fromDuck(reader: DuckDBResultReader): ResultSet {
  const columns: ResultColumn[] = [];
  for (let i = 0; i < reader.columnCount; i++) columns.push(columnOf(reader, i));
  const rows = reader.getRows().map((row) => row.map((v, i) => encode(v, columns[i] as ResultColumn)));
  return { columns, rows, statementTypeId: STATEMENT_TYPE.select };
}

function columnOf(reader: DuckDBResultReader, i: number): ResultColumn {
  const t = reader.columnType(i);
  const name = reader.columnName(i);
  if (t.alias === 'JSON') return { name, type: 'variant' };
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { name, type: 'boolean' };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return { name, type: 'fixed', precision: 38, scale: 0 };
    case DuckDBTypeId.DECIMAL: {
      const m = /DECIMAL\((\d+),(\d+)\)/.exec(t.toString());
      return { name, type: 'fixed', precision: Number(m?.[1] ?? 38), scale: Number(m?.[2] ?? 0) };
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { name, type: 'real' };
    case DuckDBTypeId.DATE:
      return { name, type: 'date' };
    case DuckDBTypeId.TIMESTAMP:
      return { name, type: 'timestamp_ntz', scale: 9 };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { name, type: 'timestamp_tz', scale: 9 };
    case DuckDBTypeId.BLOB:
      return { name, type: 'binary' };
    default:
      return { name, type: 'text' };
  }
}

function epochSeconds(micros: bigint): string {
  const sec = micros >= 0n ? micros / 1_000_000n : -((-micros + 999_999n) / 1_000_000n);
  const frac = micros - sec * 1_000_000n;
  return `${sec}.${String(frac * 1000n).padStart(9, '0')}`;
}

function encode(v: DuckDBValue, col: ResultColumn): string | null {
  if (v === null) return null;
  switch (col.type) {
    case 'boolean':
      return v === true ? '1' : '0';
    case 'date':
      return String((v as DuckDBDateValue).days);
    case 'timestamp_ntz':
      return epochSeconds((v as DuckDBTimestampValue).micros);
    case 'timestamp_tz':
      // "<epoch seconds> <offset minutes + 1440>"; the emulator stores instants in UTC.
      return `${epochSeconds((v as DuckDBTimestampTZValue).micros)} 1440`;
    case 'binary':
      return Buffer.from((v as DuckDBBlobValue).bytes)
        .toString('hex')
        .toUpperCase();
    default:
      return typeof v === 'object' ? v.toString() : String(v);
  }
}

/** The `rowtype` entry the driver reads for a column. */
export function rowtypeEntry(c: ResultColumn): Record<string, unknown> {
  const text = c.type === 'text' || c.type === 'variant' || c.type === 'binary';
  return {
    name: c.name,
    database: '',
    schema: '',
    table: '',
    type: c.type,
    nullable: true,
    length: text ? 16777216 : null,
    byteLength: text ? 16777216 : null,
    precision: c.precision ?? null,
    scale: c.scale ?? null,
    collation: null,
  };
}

/**
 * Checks every COPY result row against what floe wrote: each file must be reported LOADED with
 * exactly the rows the stage wrote into it. ON_ERROR=ABORT_STATEMENT already makes a bad value
 * fail the statement; this closes the other holes (a file skipped by load metadata, a short file,
 * a partial load), which other loaders have shipped as silent data loss.
 */

export interface ExpectedFile {
  /** Name in the stage, e.g. `part-00000.parquet`. */
  readonly name: string;
  readonly rows: number;
  /** The local file it came from, for error messages. */
  readonly source: string;
}

/** The first file a COPY did not load exactly, with why. */
export interface CopyProblem {
  readonly file: ExpectedFile;
  readonly firstError: string;
}

/** COPY result columns are lower-case in the JSON rowtype; read them case-insensitively anyway. */
function field(row: Readonly<Record<string, unknown>>, name: string): unknown {
  const key = Object.keys(row).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : row[key];
}

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The first mismatch between the COPY result and the files, or undefined when all loaded exactly. */
export function checkCopyResult(
  rows: readonly Readonly<Record<string, unknown>>[],
  expected: readonly ExpectedFile[],
): CopyProblem | undefined {
  const byName = new Map<string, Readonly<Record<string, unknown>>>();
  for (const r of rows) {
    const file = field(r, 'file');
    if (typeof file === 'string') byName.set(basename(file), r);
  }
  for (const f of expected) {
    const r = byName.get(f.name);
    if (!r) {
      // "Copy executed with 0 files processed." comes as a single row with only a status column.
      const only =
        rows.length === 1 && field(rows[0] as Record<string, unknown>, 'file') === undefined
          ? rows[0]
          : undefined;
      const status = only ? field(only, 'status') : undefined;
      return {
        file: f,
        firstError:
          `COPY did not load the file (${typeof status === 'string' ? status : 'no result row for it'}); ` +
          `Snowflake's load metadata may already list it for this table`,
      };
    }
    const status = String(field(r, 'status'));
    const loaded = Number(field(r, 'rows_loaded'));
    const firstError = field(r, 'first_error');
    if (status !== 'LOADED' || Number(field(r, 'errors_seen') ?? 0) > 0) {
      return {
        file: f,
        firstError: `status ${status}${typeof firstError === 'string' ? `: ${firstError}` : ''}`,
      };
    }
    if (loaded !== f.rows) {
      return { file: f, firstError: `loaded ${loaded} rows, but the file was written with ${f.rows}` };
    }
  }
  return undefined;
}

/**
 * The file a failed COPY names. Snowflake's ON_ERROR=ABORT_STATEMENT error reads
 * `<first error>\n  File '<path>', line N, character C\n  Row …`.
 */
export function fileFromCopyError(message: string): string | undefined {
  const m = /File '([^']+)'/.exec(message);
  return m ? basename(m[1] as string) : undefined;
}

/**
 * An error the emulator answers with `success:false`. It always carries a sqlState: without one the
 * driver re-fetches the result and shows a different error (wire-protocol report §5).
 */
export class SfError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

/** The loud refusal for any statement or clause floe does not emit. */
export function unsupported(what: string): SfError {
  return new SfError(
    '000002',
    '0A000',
    `SQL compilation error:\nunsupported by the floe Snowflake emulator: ${what}`,
  );
}

export function doesNotExist(kind: 'Table' | 'Stage' | 'Schema' | 'Database', name: string): SfError {
  return new SfError(
    '002003',
    '02000',
    `SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`,
  );
}

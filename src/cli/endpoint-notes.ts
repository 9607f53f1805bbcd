import type { RunRecord } from '../run/run-history.js';
import { int } from './render.js';

/**
 * One line per endpoint whose client-side incremental filter dropped records (the warnings,
 * e.g. `TOTAL_SHORT` with both counts, are printed with the errors). Used by the `floe run`
 * summary and `floe runs show`.
 */
export function endpointNotes(r: RunRecord): string {
  let out = '';
  for (const e of r.endpoints) {
    if (e.out_of_range !== undefined && e.out_of_range > 0) {
      out += `\n${e.name}: ${int(e.out_of_range)} record(s) outside the incremental range were not loaded (the API returned them; the client-side range filter dropped them)\n`;
    }
  }
  return out;
}

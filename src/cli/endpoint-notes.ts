import type { RunRecord } from '../run/run-history.js';
import { int } from './render.js';

/**
 * One line per thing the user should know about an endpoint that is not an error: its warnings
 * (e.g. `TOTAL_SHORT` with both counts) and the records the incremental filter dropped. Used by
 * the `floe run` summary and `floe runs show`.
 */
export function endpointNotes(r: RunRecord): string {
  let out = '';
  for (const e of r.endpoints) {
    for (const w of e.warnings ?? []) out += `\n${e.name}: warning ${w.code}: ${w.message}\n`;
    if (e.out_of_range !== undefined && e.out_of_range > 0) {
      out += `\n${e.name}: ${int(e.out_of_range)} record(s) outside the incremental range were not loaded (the API returned them; the client-side range filter dropped them)\n`;
    }
  }
  return out;
}

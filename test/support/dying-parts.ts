/** A run that "dies" at a chosen load, as a crashed process would leave things. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultParts } from '../../src/run/default-parts.js';
import type { Parts } from '../../src/run/parts.js';
import type { Destination } from '../../src/types.js';

/** Parts whose load of `endpoint` never returns (the process "dies" there), optionally after committing. */
export function dyingAtLoadOf(endpoint: string, commitFirst: boolean): { parts: Parts; died: Promise<void> } {
  let signalDeath: () => void = () => undefined;
  const died = new Promise<void>((r) => (signalDeath = r));
  const parts: Parts = {
    ...defaultParts,
    async createDestination(cfg, deps) {
      const real = await defaultParts.createDestination(cfg, deps);
      const dying: Destination = {
        ...real,
        type: real.type,
        ledgerEntry: (...a) => real.ledgerEntry(...a),
        readState: (...a) => real.readState(...a),
        writeState: (...a) => real.writeState(...a),
        tables: (...a) => real.tables(...a),
        async load(req, signal) {
          if (req.endpoint !== endpoint) return real.load(req, signal);
          if (commitFirst) await real.load(req, signal);
          await real.close(); // release the database file, as a dead process would
          signalDeath();
          return new Promise(() => undefined);
        },
        close: () => Promise.resolve(),
      };
      return dying;
    },
  };
  return { parts, died };
}

/**
 * An in-process "crash" leaves the run's lease held by a live process (this one); a real crash
 * leaves a lease whose process is gone, which the next run takes over. Call after `died`.
 */
export async function leaseOfDeadRun(stateDir: string): Promise<void> {
  await rm(join(stateDir, 'locks'), { recursive: true, force: true });
}

import { join } from 'node:path';
import type PQueue from 'p-queue';
import { endpointName } from '../../config/load-config.js';
import type { EndpointUnit } from '../run-units.js';
import { childrenOf, neededFields } from './families.js';
import { ParentRowsFile, type ParentRow } from './parent-rows.js';

/** What a unit of a family gets: where to keep its records for its children, and its parent's. */
export interface FamilyLinks {
  readonly collect?: ParentRowsFile;
  readonly parentRows?: () => Promise<ParentRow[]>;
}

export interface FamiliesContext {
  readonly stateDir: string;
  readonly signal: AbortSignal | undefined;
  readonly queue: PQueue;
}

/**
 * Schedules units as parent/child trees: each root on the queue, then its children in order,
 * each reading the records its parent kept (`stage/<run id>/_floe_parents/<parent>.jsonl`). A
 * unit that already succeeded (before an interruption) is not run again, but its children still
 * read what it kept. A child of a failed parent fails too, naming it, and requests nothing.
 * Units that share an endpoint name (a backfill's windows) have no family: each runs alone.
 */
export async function runFamilies(
  units: readonly EndpointUnit[],
  ctx: FamiliesContext,
  run: (unit: EndpointUnit, links: FamilyLinks) => Promise<void>,
): Promise<void> {
  const names = units.map((u) => endpointName(u.endpoint));
  const unique = new Set(names).size === names.length;
  const endpoints = units.map((u) => u.endpoint);
  const byName = new Map(units.map((u, i) => [names[i]!, u] as const));
  const childrenOfUnit = (name: string): EndpointUnit[] =>
    unique ? childrenOf(name, endpoints).map((e) => byName.get(endpointName(e))!) : [];

  const runTree = async (unit: EndpointUnit, parentRows?: ParentRowsFile): Promise<void> => {
    const name = endpointName(unit.endpoint);
    const children = childrenOfUnit(name);
    const rows =
      children.length > 0
        ? new ParentRowsFile(join(ctx.stateDir, 'stage', unit.runId, '_floe_parents', `${name}.jsonl`), neededFields(name, endpoints))
        : undefined;
    if (unit.record.status !== 'succeeded') {
      // After a signal no unit starts; it stays pending for whatever continues the run.
      if (ctx.signal?.aborted) return;
      const parent = unit.endpoint.parent?.endpoint;
      await run(unit, {
        ...(rows ? { collect: rows } : {}),
        ...(parentRows && parent !== undefined ? { parentRows: () => parentRows.read(parent) } : {}),
      });
    }
    if (children.length === 0) return;
    if (unit.record.status === 'succeeded') {
      for (const child of children) await runTree(child, rows);
      if (!ctx.signal?.aborted) await rows?.remove();
    } else if (unit.record.status === 'failed') {
      for (const child of children) failTree(child, name);
    }
  };
  const failTree = (unit: EndpointUnit, parent: string): void => {
    unit.record.status = 'failed';
    unit.record.error = { code: 'PARENT_FAILED', kind: 'terminal', message: `parent endpoint "${parent}" failed; nothing was requested` };
    for (const child of childrenOfUnit(endpointName(unit.endpoint))) failTree(child, endpointName(unit.endpoint));
  };
  const roots = unique ? units.filter((u) => u.endpoint.parent === undefined || !byName.has(u.endpoint.parent.endpoint)) : units;
  await Promise.all(roots.map((u) => ctx.queue.add(() => runTree(u))));
}

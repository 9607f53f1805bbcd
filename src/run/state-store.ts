import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Destination } from '../types.js';
import { FloeError } from '../util/errors.js';

/**
 * Endpoint state (incremental cursors). The destination holds the truth — state is committed in
 * the same transaction as the rows it describes — and the state dir keeps a mirror, so a
 * scheduled run with nothing new reads no warehouse table (a Snowflake warehouse stays
 * suspended). Without a mirror (a fresh machine, an ephemeral pod) the destination is read.
 *
 * The mirror can only lag the destination when a run died between its commit and the mirror
 * write; that run is then resumed under its run id (see runner.ts), whose load finds its ledger
 * row and refreshes the mirror, so a lagging mirror is never used to compute a start value.
 */
export class StateStore {
  constructor(
    private readonly stateDir: string,
    private readonly configName: string,
    private readonly destination: () => Promise<Destination>,
  ) {}

  /** The committed state value of an endpoint, or undefined before its first commit. */
  async read(endpoint: string, signal?: AbortSignal): Promise<unknown> {
    const mirrored = await this.readMirror(endpoint);
    if (mirrored !== undefined) return mirrored.value;
    const committed = await (await this.destination()).readState(this.key(endpoint), signal);
    if (committed !== undefined) await this.mirror(endpoint, committed.value);
    return committed?.value;
  }

  /** Called after a load committed `value` with the data. */
  async committed(endpoint: string, value: unknown): Promise<void> {
    await this.mirror(endpoint, value);
  }

  /** `floe state set` / `reset`: writes the destination first, then the mirror. */
  async write(endpoint: string, value: unknown, signal?: AbortSignal): Promise<void> {
    await (await this.destination()).writeState(this.key(endpoint), value, signal);
    if (value === undefined) await rm(this.file(endpoint), { force: true });
    else await this.mirror(endpoint, value);
  }

  /**
   * Drops the mirror of an endpoint, so the next read asks the destination: for processes that
   * share a destination but not a state dir (slices on several machines), whose mirror may lag.
   */
  async forget(endpoint: string): Promise<void> {
    await rm(this.file(endpoint), { force: true });
  }

  /** What the destination holds, ignoring the mirror (for `floe state show`). */
  async readCommitted(endpoint: string, signal?: AbortSignal): Promise<unknown> {
    return (await (await this.destination()).readState(this.key(endpoint), signal))?.value;
  }

  private key(endpoint: string): { connector: string; endpoint: string } {
    return { connector: this.configName, endpoint };
  }

  private file(endpoint: string): string {
    return join(this.stateDir, 'state', safe(this.configName), `${safe(endpoint)}.json`);
  }

  private async readMirror(endpoint: string): Promise<{ value: unknown } | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(endpoint), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as { value?: unknown };
      return 'value' in parsed ? { value: parsed.value } : undefined;
    } catch {
      throw new FloeError(
        'STATE_INVALID',
        'terminal',
        `state mirror ${this.file(endpoint)} is not valid JSON; delete it to read the state from the destination`,
      );
    }
  }

  private async mirror(endpoint: string, value: unknown): Promise<void> {
    const file = this.file(endpoint);
    await mkdir(join(this.stateDir, 'state', safe(this.configName)), { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify({ value }) + '\n');
    await rename(`${file}.tmp`, file);
  }
}

function safe(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

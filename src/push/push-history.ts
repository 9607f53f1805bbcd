import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FloeError } from '../util/errors.js';
import { writeDurably } from '../util/durable-file.js';
import type { PushRecord } from './push-record.js';

/**
 * Push history: one JSON file per push under `<state dir>/pushes/`, rewritten after every output,
 * so an interrupted push still shows how far it got. Records are redacted before they get here.
 */
export class PushHistory {
  constructor(private readonly stateDir: string) {}

  get dir(): string {
    return join(this.stateDir, 'pushes');
  }

  async save(record: PushRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeDurably(join(this.dir, `${record.push_id}.json`), JSON.stringify(record, null, 2) + '\n');
  }

  /** Newest first; only the pushes of `configName` when given. */
  async list(limit = 20, configName?: string): Promise<PushRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: PushRecord[] = [];
    // Ids sort by second; a few more than asked for are read, so pushes within one second are
    // ordered by their start time (milliseconds).
    for (const n of names.filter((x) => x.endsWith('.json')).sort().reverse()) {
      if (out.length >= limit + 10) break;
      const r = await this.get(n.slice(0, -5)).catch(() => undefined);
      if (r && (configName === undefined || r.config_name === configName)) out.push(r);
    }
    return out.sort((a, b) => b.started_at.localeCompare(a.started_at) || b.push_id.localeCompare(a.push_id)).slice(0, limit);
  }

  async get(pushId: string): Promise<PushRecord> {
    if (!/^[\w.-]+$/.test(pushId)) throw new FloeError('USAGE', 'config', `not a push id: ${pushId}`);
    try {
      return JSON.parse(await readFile(join(this.dir, `${pushId}.json`), 'utf8')) as PushRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new FloeError('USAGE', 'config', `no push ${pushId} in ${this.dir}`);
      throw new FloeError('STATE_INVALID', 'terminal', `push record ${pushId} is unreadable: ${(e as Error).message}`, { cause: e });
    }
  }
}

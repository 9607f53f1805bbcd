import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FloeError } from '../util/errors.js';

/**
 * One run per connector and state dir at a time. Cron and schedulers overlap runs when one is
 * slow; two runs appending the same pages would duplicate rows, so the second one refuses to
 * start. A lock whose process is gone (a crash, kill -9) is taken over.
 */
export class RunLock {
  private constructor(private readonly file: string) {}

  static async acquire(stateDir: string, name: string): Promise<RunLock> {
    const dir = join(stateDir, 'locks');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^\w.-]/g, '_')}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx');
        await handle.writeFile(JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() }));
        await handle.close();
        return new RunLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = await readHolder(file);
        if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
          throw new FloeError(
            'RUN_LOCKED',
            'terminal',
            `another floe run of "${name}" is in progress (pid ${holder.pid}, started ${holder.started_at}); ` +
              `wait for it, or remove ${file} if that process is gone`,
          );
        }
        await rm(file, { force: true }); // stale: its process died without releasing
      }
    }
    throw new FloeError('RUN_LOCKED', 'terminal', `could not take the run lock ${file}`);
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }
}

async function readHolder(file: string): Promise<{ pid: number; started_at: string } | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; started_at?: unknown };
    return typeof v.pid === 'number' ? { pid: v.pid, started_at: String(v.started_at) } : undefined;
  } catch {
    return undefined; // half-written or garbage: treat as stale
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

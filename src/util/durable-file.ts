import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `text` to `file` so that after a crash (kill -9, power loss) the file holds either the
 * old or the new content: a temp file is written and flushed, renamed over the target, and the
 * directory flushed so the rename itself survives.
 */
export async function writeDurably(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await syncDir(dirname(file));
}

/** Flushes a directory's entries (renames, new files) to disk; a no-op where unsupported. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the rename is then as durable as they make it
  } finally {
    await handle.close();
  }
}

/** An append-only file whose every append is on disk before `append` resolves. */
export class DurableLog {
  private constructor(private readonly handle: Awaited<ReturnType<typeof open>>) {}

  static async open(file: string): Promise<DurableLog> {
    const log = new DurableLog(await open(file, 'a'));
    await syncDir(dirname(file));
    return log;
  }

  async append(line: string): Promise<void> {
    await this.handle.write(line.endsWith('\n') ? line : `${line}\n`);
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Removes files, ignoring those already gone. */
export async function removeFiles(files: readonly string[]): Promise<void> {
  for (const f of files) await rm(f, { force: true });
}

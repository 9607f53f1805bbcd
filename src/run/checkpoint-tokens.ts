import { chmod, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactUrl } from '../util/redact.js';

/**
 * The pagination tokens a checkpoint resumes from, kept out of the run history. A next link can
 * carry credentials the API issued (`…?access_token=…&sig=…`) that floe never saw in the config,
 * so it cannot mask them and still resume. They live in `<state dir>/checkpoints/<run_id>/
 * <endpoint>.json` (directory 0700, file 0600), deleted when the endpoint finishes (the folder
 * with the run's last one); the run history holds the token with every secret-looking query parameter masked (`shown`).
 */
export class CheckpointTokens {
  constructor(private readonly stateDir: string) {}

  async save(runId: string, endpoint: string, next: unknown): Promise<void> {
    const file = this.file(runId, endpoint);
    const tmp = `${file}.tmp`;
    // Another endpoint of the run may remove the (empty) folder between mkdir and write: retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(this.dir(runId), { recursive: true, mode: 0o700 });
        await writeFile(tmp, JSON.stringify({ next }), { mode: 0o600 });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw e;
      }
    }
    await chmod(tmp, 0o600); // a leftover tmp file keeps its old mode otherwise
    await rename(tmp, file);
  }

  /** The stored token, or undefined when there is none (or it is unreadable). */
  async load(runId: string, endpoint: string): Promise<unknown> {
    try {
      return (JSON.parse(await readFile(this.file(runId, endpoint), 'utf8')) as { next?: unknown }).next;
    } catch {
      return undefined;
    }
  }

  /** Deletes an endpoint's token, and the run's folder once no endpoint of it has one left. */
  async drop(runId: string, endpoint: string): Promise<void> {
    await rm(this.file(runId, endpoint), { force: true });
    // Fails while another endpoint of the run still holds a token (or if there is no folder).
    await rmdir(this.dir(runId)).catch(() => undefined);
  }

  /** The token as run history and every display show it: URLs with secret-looking parameters masked. */
  static shown(next: unknown): unknown {
    if (typeof next === 'string') return /^[a-z][\w+.-]*:\/\//i.test(next) ? redactUrl(next) : next;
    if (Array.isArray(next)) return next.map((v: unknown) => CheckpointTokens.shown(v));
    if (next && typeof next === 'object') return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, CheckpointTokens.shown(v)]));
    return next;
  }

  private dir(runId: string): string {
    return join(this.stateDir, 'checkpoints', safe(runId));
  }

  private file(runId: string, endpoint: string): string {
    return join(this.dir(runId), `${safe(endpoint)}.json`);
  }
}

function safe(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

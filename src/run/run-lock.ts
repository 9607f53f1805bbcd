import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FloeError } from '../util/errors.js';

/** What the lock file holds: who holds it, and when they last said they still do. */
interface Lease {
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly acquired_at: string;
  /** Epoch milliseconds of the last heartbeat. */
  readonly renewed_at: number;
  readonly ttl_ms: number;
}

export interface RunLockOptions {
  /** A lease not renewed for this long is free to take (default 60 s; renewed every quarter of it). */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch (tests inject a clock). */
  readonly now?: () => number;
  /** Called once if another process took the lock over (this one stalled past the TTL). */
  readonly onLost?: () => void;
  /** Start the heartbeat timer (default true; tests call `renew()` themselves). */
  readonly heartbeat?: boolean;
}

const DEFAULT_TTL_MS = 60_000;

/**
 * One run per connector and state dir at a time, in one process, across processes and across
 * hosts sharing the state dir (an NFS or cloud volume). Two runs appending the same pages would
 * duplicate rows, so the second one refuses to start (`RUN_LOCKED`).
 *
 * A lease with a heartbeat rather than an OS lock: `flock`/`fcntl` locks are not in Node's
 * standard library, are advisory per process (not per run, and a server hosts many runs in one
 * process) and are unreliable on network filesystems, which is exactly where a shared state dir
 * lives. The lease is a file created atomically (`link`, which fails when the name exists, also
 * over NFS); its holder renews `renewed_at` every quarter TTL and checks that it still owns it.
 * A lease is free when its holder's process is gone (same host: the pid is not alive) or, for a
 * lease of another host, when it was not renewed for a TTL (hosts sharing a state dir need clocks
 * within the TTL of each other, which NTP gives). Taking a free lease over moves the old file aside atomically and
 * checks that it moved the lease it judged free, so two contenders never both win.
 */
export class RunLock {
  #timer: NodeJS.Timeout | undefined;
  #lost = false;
  #released = false;

  private constructor(
    private readonly file: string,
    private readonly lease: Lease,
    private readonly opts: RunLockOptions,
  ) {}

  static async acquire(stateDir: string, name: string, opts: RunLockOptions = {}): Promise<RunLock> {
    const dir = join(stateDir, 'locks');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^\w.-]/g, '_')}.lock`);
    const now = opts.now ?? Date.now;
    const ttl = opts.ttlMs ?? DEFAULT_TTL_MS;
    const lease: Lease = { owner: randomUUID(), host: hostname(), pid: process.pid, acquired_at: new Date(now()).toISOString(), renewed_at: now(), ttl_ms: ttl };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await create(file, lease)) return RunLock.#start(file, lease, opts);
      const holder = await readLease(file);
      if (holder === 'missing') continue; // released meanwhile: try again
      if (holder !== 'unreadable' && !isFree(holder, now())) throw locked(name, file, holder);
      // Free (or a half-written file older than any live holder would leave): move it aside.
      const aside = `${file}.${lease.owner}.stale`;
      try {
        await rename(file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else moved it
        throw e;
      }
      const moved = await readLease(aside);
      const same = holder === 'unreadable' ? moved === 'unreadable' : typeof moved === 'object' && moved.owner === holder.owner && moved.renewed_at === holder.renewed_at;
      if (!same) {
        // We moved a lease someone took meanwhile: put it back and leave it to them.
        await link(aside, file).catch(() => undefined);
        await rm(aside, { force: true });
        throw locked(name, file, typeof moved === 'object' ? moved : undefined);
      }
      await rm(aside, { force: true });
    }
    throw new FloeError('RUN_LOCKED', 'terminal', `could not take the run lock ${file}; another run keeps taking it`);
  }

  static #start(file: string, lease: Lease, opts: RunLockOptions): RunLock {
    const lock = new RunLock(file, lease, opts);
    if (opts.heartbeat !== false) {
      lock.#timer = setInterval(() => void lock.renew().catch(() => undefined), Math.max(1000, lease.ttl_ms / 4));
      lock.#timer.unref();
    }
    return lock;
  }

  /** Whether another process took the lease over (this run must stop). */
  get lost(): boolean {
    return this.#lost;
  }

  /**
   * The heartbeat: checks the lease is still ours and moves `renewed_at` forward. Returns false
   * (and calls `onLost` once) when another process holds it now.
   */
  async renew(): Promise<boolean> {
    if (this.#released || this.#lost) return !this.#lost;
    const holder = await readLease(this.file);
    if (typeof holder !== 'object' || holder.owner !== this.lease.owner) {
      this.#lost = true;
      clearInterval(this.#timer);
      this.opts.onLost?.();
      return false;
    }
    const renewed: Lease = { ...this.lease, renewed_at: (this.opts.now ?? Date.now)() };
    const tmp = `${this.file}.${this.lease.owner}.tmp`;
    await writeFile(tmp, JSON.stringify(renewed));
    await rename(tmp, this.file);
    return true;
  }

  /** Releases the lease if it is still ours (a lease taken over stays with its new holder). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    const holder = await readLease(this.file);
    if (typeof holder === 'object' && holder.owner === this.lease.owner) await rm(this.file, { force: true });
  }
}

/** Creates the lock file with the lease in it, atomically; false when it exists. */
async function create(file: string, lease: Lease): Promise<boolean> {
  const tmp = `${file}.${lease.owner}.tmp`;
  await writeFile(tmp, JSON.stringify(lease));
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readLease(file: string): Promise<Lease | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  try {
    const v = JSON.parse(text) as Partial<Lease>;
    if (typeof v.pid !== 'number') return 'unreadable';
    // A lock written by an older floe ({ pid, started_at }) is a lease of this host with no heartbeat.
    const legacy = v as { started_at?: unknown };
    return {
      owner: typeof v.owner === 'string' ? v.owner : `pid-${v.pid}`,
      host: typeof v.host === 'string' ? v.host : hostname(),
      pid: v.pid,
      acquired_at: typeof v.acquired_at === 'string' ? v.acquired_at : typeof legacy.started_at === 'string' ? legacy.started_at : '',
      renewed_at: typeof v.renewed_at === 'number' ? v.renewed_at : 0,
      ttl_ms: typeof v.ttl_ms === 'number' ? v.ttl_ms : DEFAULT_TTL_MS,
    };
  } catch {
    return 'unreadable';
  }
}

/**
 * A lease nobody holds any more. On this host the process tells (gone → free at once, alive →
 * held, even if stalled); another host's lease is free once it was not renewed for its TTL.
 */
function isFree(holder: Lease, now: number): boolean {
  if (holder.host === hostname()) return !isAlive(holder.pid);
  return now - holder.renewed_at > holder.ttl_ms;
}

function locked(name: string, file: string, holder: Lease | undefined): FloeError {
  const who = holder ? ` (host ${holder.host}, pid ${holder.pid}, since ${holder.acquired_at})` : '';
  return new FloeError(
    'RUN_LOCKED',
    'terminal',
    `another floe run of "${name}" is in progress${who}; wait for it to finish. A lock whose process died is taken over ` +
      `at once on the same host, and after its lease expires (${Math.round((holder?.ttl_ms ?? DEFAULT_TTL_MS) / 1000)} s without a heartbeat) from another host: ${file}`,
  );
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { readFile } from 'node:fs/promises';
import { DurableLog } from '../../util/durable-file.js';

/** The API answered 2xx: the batch is delivered. Written only after the answer (check → send → mark). */
export interface SentEvent {
  readonly t: 'sent';
  readonly id: string;
  readonly rows: number;
  readonly status: number;
  readonly at: string;
}

/** The API refused the batch as holding bad rows: it is split in halves. */
export interface SplitEvent {
  readonly t: 'split';
  readonly id: string;
  readonly rows: number;
  readonly status: number;
  readonly at: string;
}

/** The API refused a batch of one row: the row is set aside with the API's answer. */
export interface RejectedEvent {
  readonly t: 'rejected';
  readonly id: string;
  readonly identity: string;
  readonly row: string;
  readonly status: number;
  readonly error: string;
  readonly at: string;
}

export type JournalEvent = SentEvent | SplitEvent | RejectedEvent;

/**
 * The delivery journal of the push in progress: one line per answered batch, on disk before the
 * next batch is sent. A re-run of an interrupted push replays it, so delivered batches are skipped,
 * split batches are not sent whole again, and rejected rows stay rejected. A crash can only lose
 * the mark of the one batch in flight, which the re-run sends again with the same idempotency key.
 */
export class Journal {
  readonly sent = new Map<string, SentEvent>();
  readonly split = new Set<string>();
  readonly rejected = new Map<string, RejectedEvent>();

  private constructor(private readonly log: DurableLog) {}

  static async open(file: string): Promise<Journal> {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const journal = new Journal(await DurableLog.open(file));
    // End a line torn by a crash, so the next event starts on a line of its own.
    if (text !== '' && !text.endsWith('\n')) await journal.log.append('');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let event: JournalEvent;
      try {
        event = JSON.parse(line) as JournalEvent;
      } catch {
        continue; // a line torn by a crash mid-write: its batch was not marked, so it is sent again
      }
      journal.apply(event);
    }
    return journal;
  }

  async record(event: JournalEvent): Promise<void> {
    await this.log.append(JSON.stringify(event));
    this.apply(event);
  }

  async close(): Promise<void> {
    await this.log.close();
  }

  private apply(e: JournalEvent): void {
    switch (e.t) {
      case 'sent':
        this.sent.set(e.id, e);
        break;
      case 'split':
        this.split.add(e.id);
        break;
      case 'rejected':
        this.rejected.set(e.id, e);
        break;
    }
  }
}

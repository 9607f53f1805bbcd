import { STATUS_CODES } from 'node:http';
import { bodyExcerpt } from '../../source/rest/excerpt.js';
import type { Clock } from '../../util/clock.js';
import { FloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { Journal } from '../ledger/journal.js';
import type { SpoolRow } from '../plan/plan.js';
import { batchId } from './batch-id.js';
import type { BatchSender } from './batch-sender.js';
import { batchAction } from './status-policy.js';

/** What one push did to an output's batches. */
export interface DeliveryCounts {
  rows_sent: number;
  batches_sent: number;
  /** Already delivered: by the interrupted push this one finishes, or by the last push (same rows). */
  rows_skipped: number;
  batches_skipped: number;
  rows_rejected: number;
  /** Batches split in halves because the API refused them. */
  batches_split: number;
}

export interface DeliveryContext {
  readonly sender: BatchSender;
  readonly journal: Journal;
  /** Batch ids delivered by the last completed push. */
  readonly ledger: ReadonlySet<string>;
  /** Batch ids the last completed push split. */
  readonly splitLedger: ReadonlySet<string>;
  /** Identities of rows rejected by earlier pushes: sent alone, they get `retrySalt`. */
  readonly rejectedBefore: ReadonlySet<string>;
  /** `retry:<push number>`: a fresh key for rows the API refused before. */
  readonly retrySalt: string;
  /** `targetOf(output)`. */
  readonly target: string;
  readonly rejectStatuses: ReadonlySet<number>;
  readonly method: string;
  /** Sanitized. */
  readonly url: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly signal?: AbortSignal;
  readonly onBatch?: () => void;
}

/**
 * Delivers batches: check → send → mark. A batch already in the ledger or the journal is skipped;
 * otherwise it is sent, and marked in the journal only after the API's 2xx — never before, so a
 * failed send is never taken for a delivered one. A batch the API refuses as holding bad rows is
 * split in halves, down to single rows; a single row still refused is journaled as rejected, with
 * the API's answer. Any other outcome throws and stops the output (the plan stays for the next push).
 */
export class BatchDelivery {
  readonly counts: DeliveryCounts = { rows_sent: 0, batches_sent: 0, rows_skipped: 0, batches_skipped: 0, rows_rejected: 0, batches_split: 0 };
  /** Every batch id found delivered during this walk: the next push's ledger. */
  readonly delivered = new Set<string>();
  /** Every batch id split during this walk. */
  readonly split = new Set<string>();

  constructor(private readonly ctx: DeliveryContext) {}

  async deliver(rows: readonly SpoolRow[], salt: string): Promise<void> {
    const { ctx } = this;
    const texts = rows.map((r) => r.text);
    const alone = rows.length === 1 && ctx.rejectedBefore.has(rows[0]!.identity);
    const id = batchId(ctx.target, alone ? ctx.retrySalt : salt, texts);
    if (ctx.ledger.has(id) || ctx.journal.sent.has(id)) {
      this.delivered.add(id);
      this.counts.rows_skipped += rows.length;
      this.counts.batches_skipped++;
      return;
    }
    if (rows.length === 1 && ctx.journal.rejected.has(id)) {
      this.counts.rows_rejected++;
      return;
    }
    if (rows.length > 1 && (ctx.journal.split.has(id) || ctx.splitLedger.has(id))) {
      this.split.add(id);
      return this.halves(rows, salt);
    }

    ctx.signal?.throwIfAborted();
    const res = await ctx.sender.send(texts, id, ctx.signal);
    const at = new Date(ctx.clock.now()).toISOString();
    switch (batchAction(res.status, ctx.rejectStatuses)) {
      case 'delivered':
        await ctx.journal.record({ t: 'sent', id, rows: rows.length, status: res.status, at });
        this.delivered.add(id);
        this.counts.rows_sent += rows.length;
        this.counts.batches_sent++;
        ctx.onBatch?.();
        return;
      case 'split': {
        const error = bodyExcerpt(res.body, ctx.redactor);
        if (rows.length > 1) {
          ctx.logger.info('the API refused a batch; splitting it to find the bad rows', { status: res.status, rows: rows.length, batch_id: id, error });
          await ctx.journal.record({ t: 'split', id, rows: rows.length, status: res.status, at });
          this.split.add(id);
          this.counts.batches_split++;
          return this.halves(rows, salt);
        }
        const row = rows[0]!;
        ctx.logger.warn('the API refused a row; it is kept in the rejected rows and sent again by the next push', { status: res.status, identity: row.identity, error });
        await ctx.journal.record({ t: 'rejected', id, identity: row.identity, row: row.text, status: res.status, error, at });
        this.counts.rows_rejected++;
        ctx.onBatch?.();
        return;
      }
      case 'fail': {
        const excerpt = bodyExcerpt(res.body, ctx.redactor);
        throw new FloeError(
          'HTTP_STATUS',
          'terminal',
          `${ctx.method} ${ctx.url} answered HTTP ${res.status} ${STATUS_CODES[res.status] ?? ''} to batch ${id} (${rows.length} rows): "${excerpt}"; ` +
            'nothing after it was sent, and the next push resumes here',
          { details: { url: ctx.url, status: res.status, body_excerpt: excerpt, batch_id: id } },
        );
      }
    }
  }

  private async halves(rows: readonly SpoolRow[], salt: string): Promise<void> {
    const mid = Math.ceil(rows.length / 2);
    await this.deliver(rows.slice(0, mid), salt);
    await this.deliver(rows.slice(mid), salt);
  }
}

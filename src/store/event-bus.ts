import type { SqlClient } from './sql-client.js';

/** Run and backfill progress as the WebSocket sends it. */
export interface FloeEvent {
  readonly type:
    | 'run.queued'
    | 'run.started'
    | 'run.skipped'
    | 'endpoint.progress'
    | 'endpoint.loading'
    | 'endpoint.succeeded'
    | 'endpoint.failed'
    | 'run.finished'
    | 'backfill.started'
    | 'backfill.window'
    | 'backfill.finished';
  readonly tenant: string;
  readonly connector_id: string;
  readonly run_id?: string;
  readonly backfill_id?: string;
  readonly at: string;
  readonly [key: string]: unknown;
}

const EVENTS = 'floe_events';
const CONTROL = 'floe_control';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7_900;

/** What workers tell each other: a job to claim, a job to cancel. */
export interface ControlMessage {
  readonly type: 'job' | 'cancel';
  readonly table?: 'runs' | 'backfills';
  readonly id?: string;
}

/**
 * Events go through PostgreSQL NOTIFY, so a WebSocket client on any replica sees runs executing on
 * any other (with PGlite, the one process notifies itself through the same code).
 */
export class EventBus {
  constructor(private readonly db: SqlClient) {}

  async publish(event: FloeEvent): Promise<void> {
    await this.notify(EVENTS, fit(event));
  }

  subscribe(handler: (e: FloeEvent) => void): Promise<() => Promise<void>> {
    return this.db.listen(EVENTS, (payload) => {
      try {
        handler(JSON.parse(payload) as FloeEvent);
      } catch {
        // a malformed payload is not ours
      }
    });
  }

  async control(message: ControlMessage): Promise<void> {
    await this.notify(CONTROL, JSON.stringify(message));
  }

  onControl(handler: (m: ControlMessage) => void): Promise<() => Promise<void>> {
    return this.db.listen(CONTROL, (payload) => {
      try {
        handler(JSON.parse(payload) as ControlMessage);
      } catch {
        // ignore
      }
    });
  }

  private async notify(channel: string, payload: string): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
}

/** Shortens long error texts so the payload fits NOTIFY's limit. */
function fit(event: FloeEvent): string {
  let text = JSON.stringify(event);
  if (Buffer.byteLength(text) <= MAX_PAYLOAD) return text;
  const copy: Record<string, unknown> = { ...event };
  const error = copy.error as { message?: string } | undefined;
  if (error && typeof error.message === 'string') copy.error = { ...error, message: error.message.slice(0, 2000) + '…', body_excerpt: undefined };
  text = JSON.stringify(copy);
  return Buffer.byteLength(text) <= MAX_PAYLOAD ? text : JSON.stringify({ ...event, error: { code: 'TRUNCATED', message: 'event too large' } });
}

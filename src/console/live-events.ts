import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from './api-client.js';
import type { LiveEvent } from './api-types.js';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * The events WebSocket (`/api/v1/events`): a single-use ticket from `POST /ws-tickets` (browsers
 * cannot send Authorization on a WebSocket), then JSON events. Reconnects with a new ticket after
 * a drop, waiting 1, 2, 4 … 15 s.
 */
export function useLiveEvents(
  api: ApiClient,
  filter: { run_id?: string; connector_id?: string; backfill_id?: string },
  onEvent: (e: LiveEvent) => void,
): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = `${filter.run_id ?? ''}|${filter.connector_id ?? ''}|${filter.backfill_id ?? ''}`;
  useEffect(() => {
    let socket: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let attempt = 0;
    const open = async (): Promise<void> => {
      setState('connecting');
      try {
        const { ticket } = await api.send<{ ticket: string }>('POST', '/ws-tickets');
        if (stopped) return;
        const q = new URLSearchParams({ ticket });
        if (filter.run_id) q.set('run_id', filter.run_id);
        if (filter.connector_id) q.set('connector_id', filter.connector_id);
        if (filter.backfill_id) q.set('backfill_id', filter.backfill_id);
        const ws = new WebSocket(
          `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events?${q.toString()}`,
        );
        socket = ws;
        ws.onopen = () => {
          attempt = 0;
          setState('live');
        };
        ws.onmessage = (m: MessageEvent<string>) => {
          try {
            handler.current(JSON.parse(m.data) as LiveEvent);
          } catch {
            // not an event of ours
          }
        };
        ws.onclose = () => retry();
      } catch {
        retry();
      }
    };
    const retry = (): void => {
      if (stopped) return;
      setState('offline');
      const wait = Math.min(15_000, 1000 * 2 ** attempt++);
      timer = setTimeout(() => void open(), wait);
    };
    void open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    };
    // Reconnects only when the filter changes; the handler is read through a ref.
  }, [api, key]);
  return state;
}

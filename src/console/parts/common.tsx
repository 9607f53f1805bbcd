import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ApiFailure } from '../api-client.js';

const STATUS_LABEL: Record<string, string> = {
  succeeded: 'succeeded',
  partially_failed: 'partially failed',
  failed: 'failed',
  running: 'running',
  queued: 'queued',
  cancelled: 'cancelled',
  skipped: 'skipped',
  pending: 'pending',
  interrupted: 'interrupted',
  loading: 'loading',
};

/** A run, endpoint or window status as a coloured badge (the word is always there, not only the colour). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

/** The page's heading; focused on navigation so keyboard and screen-reader users land on it. */
export function PageTitle({ children, sub }: { children: ComponentChildren; sub?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div class="page-title">
      <h1 tabIndex={-1} ref={ref}>
        {children}
      </h1>
      {sub !== undefined && <p class="sub">{sub}</p>}
    </div>
  );
}

export function ErrorNote({ error, title }: { error: ApiFailure | string | undefined; title?: string }) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : error.message;
  return (
    <div class="note note-error" role="alert">
      {title && <strong>{title}: </strong>}
      {text}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** A wide table scrolls inside its box, so the page itself never scrolls sideways. */
export function TableBox({ children, label }: { children: ComponentChildren; label: string }) {
  return (
    <div class="table-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

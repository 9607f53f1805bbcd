import { useState } from 'preact/hooks';
import { ApiFailure } from '../api-client.js';
import type { Backfill, Connector, Page } from '../api-types.js';
import { href, navigate } from '../router.js';
import { useApi, useLoad } from './api-context.js';
import { ErrorNote, StatusBadge } from './common.js';
import { FieldError } from './schedule-fields.js';

/** A connector's backfills (with their window counts) and the form that starts one. */
export function BackfillSection({ connector }: { connector: Connector }) {
  const api = useApi();
  const list = useLoad<Page<Backfill>>(
    `/backfills?connector_id=${encodeURIComponent(connector.id)}&limit=10`,
  );
  const [form, setForm] = useState({ from: '', to: '', step: '7d' });
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const start = async (e: Event): Promise<void> => {
    e.preventDefault();
    setFailure(undefined);
    try {
      const b = await api.send<Backfill>('POST', `/connectors/${connector.id}/backfills`, form);
      navigate(`/backfills/${b.id}`);
    } catch (err) {
      if (err instanceof ApiFailure && err.details.length)
        setErrors(new Map(err.details.map((d) => [d.field, d.message])));
      else setFailure(err as ApiFailure);
    }
  };
  const field = (name: 'from' | 'to' | 'step', label: string, hint: string) => (
    <div class="field">
      <label for={`bf-${name}`}>{label}</label>
      <input
        id={`bf-${name}`}
        value={form[name]}
        placeholder={hint}
        aria-invalid={errors.has(name)}
        aria-describedby={errors.has(name) ? `bf-${name}-error` : undefined}
        onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
      />
      <FieldError id={`bf-${name}-error`} message={errors.get(name)} />
    </div>
  );
  return (
    <section aria-labelledby="backfills-h">
      <h2 id="backfills-h">Backfills</h2>
      {list.data && list.data.data.length > 0 && (
        <ul class="plain">
          {list.data.data.map((b) => (
            <li key={b.id}>
              <a href={href(`/backfills/${b.id}`)}>
                {String(b.from)} → {String(b.to)} by {String(b.step)}
              </a>{' '}
              <StatusBadge status={b.status} />{' '}
              <span class="muted">
                {b.counts.succeeded}/{b.counts.total} windows done
                {b.counts.failed ? `, ${b.counts.failed} failed` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={(e) => void start(e)} noValidate aria-label="Start a backfill">
        {field('from', 'From', '2024-01-01')}
        {field('to', 'To (exclusive)', '2025-01-01')}
        {field('step', 'Window', '7d')}
        <button type="submit">Start backfill</button>
      </form>
      <ErrorNote error={failure} />
    </section>
  );
}

import type { EndpointError } from '../api-types.js';

/** A failed endpoint's error as the run recorded it: code and kind, HTTP status, URL, message, body excerpt. */
export function ErrorDetails({ endpoint, error }: { endpoint: string; error: EndpointError }) {
  return (
    <details class="error-details" open data-error-endpoint={endpoint}>
      <summary>
        <strong>{endpoint}</strong> failed: <code>{error.code}</code>
        {error.status !== undefined ? ` (HTTP ${error.status})` : ''}
      </summary>
      <dl class="facts">
        <dt>Code</dt>
        <dd>
          <code>{error.code}</code>
          {error.kind && <span class="muted"> ({error.kind})</span>}
        </dd>
        {error.status !== undefined && (
          <>
            <dt>HTTP status</dt>
            <dd>{error.status}</dd>
          </>
        )}
        {error.url && (
          <>
            <dt>URL</dt>
            <dd>
              <code class="wrap">{error.url}</code>
            </dd>
          </>
        )}
        <dt>Message</dt>
        <dd class="wrap">{error.message}</dd>
      </dl>
      {error.body_excerpt && (
        <>
          <p class="muted">Response body (excerpt)</p>
          <pre class="excerpt">{error.body_excerpt}</pre>
        </>
      )}
    </details>
  );
}

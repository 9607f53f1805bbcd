import { useState } from 'preact/hooks';
import { ApiFailure, checkToken } from '../api-client.js';
import { ErrorNote, PageTitle } from '../parts/common.js';

/** Sign in with an API token (kept in this tab only; never shown again). */
export function LoginPage({
  onSignedIn,
  expired,
}: {
  onSignedIn: (token: string) => void;
  expired: boolean;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(
    expired ? 'Your token was refused (revoked or wrong); sign in again.' : undefined,
  );
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const t = token.trim();
    if (!t) {
      setError('Paste an API token.');
      return;
    }
    setBusy(true);
    try {
      if (await checkToken(t)) onSignedIn(t);
      else setError('The token is invalid or revoked.');
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : 'The server did not answer; is floe serve running?');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <div class="login-box">
        <p class="brand brand-large" aria-hidden="true">
          floe
        </p>
        <PageTitle>Sign in to the floe console</PageTitle>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div class="field">
            <label for="token">API token</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="off"
              spellcheck={false}
              value={token}
              aria-invalid={error !== undefined}
              aria-describedby="token-hint"
              onInput={(e) => setToken(e.currentTarget.value)}
            />
            <p class="hint" id="token-hint">
              Create one with <code>npx floe tokens create</code> (with the embedded store, before starting{' '}
              <code>floe serve</code>). It stays in this browser tab only.
            </p>
          </div>
          <ErrorNote error={error} />
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}

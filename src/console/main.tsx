import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import './app.css';
import { createApiClient } from './api-client.js';
import { BackfillPage } from './pages/backfill-page.js';
import { ConnectorEditorPage } from './pages/connector-editor-page.js';
import { ConnectorPage } from './pages/connector-page.js';
import { ConnectorsPage } from './pages/connectors-page.js';
import { LoginPage } from './pages/login-page.js';
import { PreviewPage } from './pages/preview-page.js';
import { RunPage } from './pages/run-page.js';
import { RunsPage } from './pages/runs-page.js';
import { ApiContext } from './parts/api-context.js';
import { PageTitle } from './parts/common.js';
import { href, useRoute, type Route } from './router.js';
import { forgetToken, readToken, saveToken } from './session.js';

function App() {
  const [token, setToken] = useState(readToken);
  const [expired, setExpired] = useState(false);
  const route = useRoute();
  const api = useMemo(
    () =>
      token
        ? createApiClient(token, () => {
            forgetToken();
            setExpired(true);
            setToken(undefined);
          })
        : undefined,
    [token],
  );
  if (!api) {
    return (
      <LoginPage
        expired={expired}
        onSignedIn={(t) => {
          saveToken(t);
          setExpired(false);
          setToken(t);
        }}
      />
    );
  }
  const signOut = (): void => {
    forgetToken();
    setToken(undefined);
  };
  const section = route.page === 'runs' || route.page === 'run' ? 'runs' : 'connectors';
  return (
    <ApiContext.Provider value={api}>
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('/')}>
          floe
        </a>
        <nav aria-label="Main">
          <a href={href('/')} aria-current={section === 'connectors' ? 'page' : undefined}>
            Connectors
          </a>
          <a href={href('/runs')} aria-current={section === 'runs' ? 'page' : undefined}>
            Runs
          </a>
        </nav>
        <button type="button" class="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page key={JSON.stringify(route)} route={route} />
      </main>
    </ApiContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'connectors':
      return <ConnectorsPage />;
    case 'connector-new':
      return <ConnectorEditorPage />;
    case 'connector':
      return <ConnectorPage id={route.id} />;
    case 'connector-edit':
      return <ConnectorEditorPage id={route.id} />;
    case 'preview':
      return <PreviewPage id={route.id} endpoint={route.endpoint} />;
    case 'runs':
      return <RunsPage connector={route.connector} status={route.status} />;
    case 'run':
      return <RunPage id={route.id} />;
    case 'backfill':
      return <BackfillPage id={route.id} />;
    case 'not-found':
      return (
        <>
          <PageTitle>Not found</PageTitle>
          <p>
            No page at <code>{route.path}</code>. <a href={href('/')}>Back to the connectors</a>.
          </p>
        </>
      );
  }
}

render(<App />, document.getElementById('app')!);

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { api, ApiError, type Session } from './api.js';
import { SignIn } from './components/sign-in.js';
import { LinkPage } from './pages/link-page.js';
import { Overview } from './pages/overview.js';

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [path, setPath] = useState(location.pathname);

  useEffect(() => {
    api<Session>('/dashboard/session').then(setSession, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) setSession(null);
      else throw e;
    });
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = (to: string) => {
    history.pushState(null, '', to);
    setPath(to);
    window.scrollTo(0, 0);
  };

  async function signOut() {
    await api('/dashboard/signout', { method: 'POST' });
    setSession(null);
  }

  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;

  const match = /^\/dashboard\/links\/([^/]+)$/.exec(path);
  const code = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
  return (
    <>
      <header class="top">
        <a href="/dashboard" class="brand" onClick={(e) => { e.preventDefault(); navigate('/dashboard'); }}>LinkPulse</a>
        <span class="role" data-testid="role">{session.role === 'admin' ? 'Admin' : 'Viewer (read only)'}</span>
        <button type="button" class="secondary" onClick={() => void signOut()}>Sign out</button>
      </header>
      {code === undefined
        ? <Overview session={session} navigate={navigate} />
        : <LinkPage key={code} code={code} session={session} navigate={navigate} />}
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}

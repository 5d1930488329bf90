import { useState } from 'preact/hooks';
import { api, ApiError, describeFailure, type Session } from '../api.js';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [error, setError] = useState('');

  async function submit(event: Event) {
    event.preventDefault();
    const key = String(new FormData(event.currentTarget as HTMLFormElement).get('key') ?? '');
    try {
      onSignedIn(await api<Session>('/dashboard/session', { method: 'POST', json: { key } }));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'That API key is not valid.' : describeFailure(e));
    }
  }

  return (
    <main class="sign-in">
      <form class="card" onSubmit={submit} aria-label="Sign in">
        <h1>LinkPulse</h1>
        <p>Sign in with an API key. The server printed an admin key on its first start; <code>npx linkpulse keys create</code> makes more.</p>
        <label class="field">
          <span>API key</span>
          <input name="key" type="password" required autoComplete="current-password" placeholder="lp_…" />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

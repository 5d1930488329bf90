import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, describeFailure, linkApi, type FieldError, type Share } from '../api.js';
import { formText, localToInstant } from '../form-values.js';
import { formatTime } from '../format.js';
import { Field } from './field.js';

/** The link's shares: public, read-only report pages; create one (with an expiry if wanted), copy, revoke. */
export function SharePanel({ code, domain }: { code: string; domain: string | undefined }) {
  const [shares, setShares] = useState<Share[] | null>(null);
  const [failure, setFailure] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [copied, setCopied] = useState('');

  const load = useCallback(async () => {
    try {
      setShares((await api<{ items: Share[] }>(`/api/shares?${new URLSearchParams({ code, ...(domain && { domain }) })}`)).items);
      setFailure('');
    } catch (error) {
      setFailure(describeFailure(error));
    }
  }, [code, domain]);
  useEffect(() => { void load(); }, [load]);

  async function create(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    try {
      await api<Share>(linkApi(code, domain, '/shares'), { method: 'POST', json: { expiresAt: localToInstant(formText(event)('expiresAt')) } });
      setErrors([]);
      setFailure('');
      form.reset();
      await load();
    } catch (error) {
      setErrors(error instanceof ApiError ? error.errors : []);
      setFailure(describeFailure(error));
    }
  }

  async function revoke(share: Share) {
    if (!window.confirm('Revoke this share? Whoever has its URL loses the report at once.')) return;
    try {
      await api(`/api/shares/${encodeURIComponent(share.id)}`, { method: 'DELETE' });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) setFailure(describeFailure(error));
    }
    await load();
  }

  async function copy(share: Share) {
    await navigator.clipboard.writeText(share.url).catch(() => undefined);
    setCopied(share.id);
    setTimeout(() => setCopied(''), 1500);
  }

  const now = Date.now();
  return (
    <section class="card shares" aria-label="Shares">
      <h2>Share the report</h2>
      <p class="muted">A share is a public, read-only page of this report, updating live, with no IPs, user agents or visitor ids. Anyone with its URL can open it until you revoke it.</p>
      <form class="share-form" aria-label="Create a share" onSubmit={(e) => void create(e)} noValidate>
        <Field label="Expires (optional)" name="expiresAt" errors={errors}><input name="expiresAt" type="datetime-local" /></Field>
        <button type="submit">Create share</button>
      </form>
      {failure && errors.length === 0 && <p class="error" role="alert">{failure}</p>}
      {shares === null ? !failure && <p class="loading">Loading…</p> : shares.length === 0 ? <p class="muted">Not shared yet.</p> : (
        <ul class="share-list">
          {shares.map((s) => {
            const expired = s.expiresAt !== null && Date.parse(s.expiresAt) <= now;
            return (
              <li key={s.id} data-share-id={s.id}>
                <a href={s.url} target="_blank" rel="noopener noreferrer" data-testid="share-url">{s.url}</a>
                <span class="muted">
                  {' '}created {formatTime(s.createdAt)}
                  {s.expiresAt === null ? ' · never expires' : `${expired ? ' · expired ' : ' · expires '}${formatTime(s.expiresAt)}`}
                </span>
                <span class="actions">
                  <button type="button" class="secondary" onClick={() => void copy(s)}>{copied === s.id ? 'Copied' : 'Copy URL'}</button>
                  <button type="button" class="danger" onClick={() => void revoke(s)}>Revoke</button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

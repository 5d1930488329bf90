import { useState } from 'preact/hooks';
import { api, ApiError, type FieldError, type Link } from '../api.js';
import { formText, localToInstant, splitTags } from '../form-values.js';
import { Field } from './field.js';


/** Shorten a URL; the API's field errors show beside the fields they name. */
export function LinkForm({ onCreated }: { onCreated: (link: Link) => void }) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const text = formText(event);
    setBusy(true);
    try {
      const link = await api<Link>('/api/links', {
        method: 'POST',
        json: {
          url: text('url'),
          ...(text('code') && { code: text('code') }),
          ...(text('title') && { title: text('title') }),
          tags: splitTags(text('tags')),
          ...(text('expiresAt') && { expiresAt: localToInstant(text('expiresAt')) }),
        },
      });
      setErrors([]);
      setMessage('');
      (event.target as HTMLFormElement).reset();
      onCreated(link);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setErrors(error.errors);
      setMessage(error.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card link-form" onSubmit={submit} aria-label="Shorten a URL" noValidate>
      <h2>Shorten a URL</h2>
      <div class="fields">
        <Field label="Long URL" name="url" errors={errors}>
          <input name="url" type="url" required placeholder="https://example.com/campaign" autoComplete="off" />
        </Field>
        <Field label="Custom code (optional)" name="code" errors={errors}>
          <input name="code" placeholder="spring-sale" autoComplete="off" />
        </Field>
        <Field label="Title" name="title" errors={errors}>
          <input name="title" autoComplete="off" />
        </Field>
        <Field label="Tags (comma separated)" name="tags" errors={errors}>
          <input name="tags" placeholder="newsletter, q4" autoComplete="off" />
        </Field>
        <Field label="Expires" name="expiresAt" errors={errors}>
          <input name="expiresAt" type="datetime-local" />
        </Field>
      </div>
      {message && errors.length === 0 && <p class="error" role="alert">{message}</p>}
      <button type="submit" disabled={busy}>{busy ? 'Shortening…' : 'Shorten'}</button>
    </form>
  );
}

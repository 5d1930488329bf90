import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, describeFailure, type FieldError } from '../api.js';
import { Field } from '../components/field.js';
import { formatTime } from '../format.js';

const EVENTS = ['clicks.recorded', 'link.created', 'link.updated', 'link.deleted'] as const;

interface Webhook {
  id: string;
  url: string;
  events: string[];
  links: string[] | null;
  createdAt: string;
  disabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
}

interface Delivery {
  id: string;
  type: string;
  createdAt: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

const webhookPath = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

/** Webhooks: create one (its secret shown once), delete, and each one's deliveries with a Retry. */
export function WebhooksPage() {
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [failure, setFailure] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setWebhooks((await api<{ items: Webhook[] }>('/api/webhooks')).items);
      setFailure('');
    } catch (error) {
      setFailure(error instanceof ApiError && error.status === 403 ? 'Webhooks need an admin key.' : describeFailure(error));
    }
  }, []);
  useEffect(() => { void load(); }, [load]);

  async function create(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const codes = String(data.get('links') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    const body = { url: String(data.get('url') ?? ''), events: data.getAll('events').map(String), ...(codes.length > 0 && { links: codes }) };
    try {
      const webhook = await api<Webhook & { secret: string }>('/api/webhooks', { method: 'POST', json: body });
      setCreated({ id: webhook.id, secret: webhook.secret });
      setErrors([]);
      setFailure('');
      form.reset();
      await load();
    } catch (error) {
      setErrors(error instanceof ApiError ? error.errors : []);
      setFailure(describeFailure(error));
    }
  }

  async function remove(webhook: Webhook) {
    if (!window.confirm(`Delete the webhook to ${webhook.url}? Its undelivered events go with it.`)) return;
    try {
      await api(webhookPath(webhook.id), { method: 'DELETE' });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) setFailure(describeFailure(error));
    }
    await load();
  }

  return (
    <main>
      <section class="card" aria-label="Create a webhook">
        <h1>Webhooks</h1>
        <p class="muted">Events are posted as JSON, signed per Standard Webhooks with the webhook's secret, and retried for a day until the receiver answers 2xx.</p>
        <form onSubmit={(e) => void create(e)} noValidate>
          <div class="fields">
            <Field label="URL" name="url" errors={errors}><input name="url" type="url" placeholder="https://example.com/hooks/linkpulse" required /></Field>
            <Field label="Only these links (codes, comma-separated; empty: all)" name="links" errors={errors}><input name="links" /></Field>
          </div>
          <fieldset class="events">
            <legend>Events</legend>
            {EVENTS.map((e) => <label key={e} class="inline"><input type="checkbox" name="events" value={e} defaultChecked={e === 'clicks.recorded'} /> <code>{e}</code></label>)}
            {errors.filter((e) => e.field.startsWith('events')).map((e) => <span key={e.field} class="error" role="alert">{e.message}</span>)}
          </fieldset>
          <button type="submit">Create webhook</button>
        </form>
        {failure && errors.length === 0 && <p class="error" role="alert">{failure}</p>}
        {created && (
          <div class="secret" role="status" data-testid="webhook-secret">
            <p>The signing secret of the new webhook, shown only now: keep it to verify its requests.</p>
            <code>{created.secret}</code>
            <button type="button" class="secondary" onClick={() => { void navigator.clipboard.writeText(created.secret).catch(() => undefined); }}>Copy</button>
            <button type="button" class="secondary" onClick={() => setCreated(null)}>Done</button>
          </div>
        )}
      </section>
      {webhooks === null ? !failure && <p class="loading">Loading…</p>
        : webhooks.length === 0 ? <p class="muted card">No webhooks yet.</p>
        : webhooks.map((w) => <WebhookCard key={w.id} webhook={w} onDelete={() => void remove(w)} onChange={() => void load()} />)}
    </main>
  );
}

function WebhookCard({ webhook, onDelete, onChange }: { webhook: Webhook; onDelete: () => void; onChange: () => void }) {
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [failure, setFailure] = useState('');

  const load = useCallback(async () => {
    try {
      setDeliveries((await api<{ items: Delivery[] }>(`${webhookPath(webhook.id)}/deliveries?limit=50`)).items);
      setFailure('');
    } catch (error) {
      setFailure(describeFailure(error));
    }
  }, [webhook.id]);
  useEffect(() => { void load(); }, [load]);

  async function retry(delivery: Delivery) {
    try {
      await api(`${webhookPath(webhook.id)}/deliveries/${encodeURIComponent(delivery.id)}/retry`, { method: 'POST' });
    } catch (error) {
      setFailure(describeFailure(error));
    }
    await load();
    if (webhook.disabled) onChange();
  }

  return (
    <section class="card webhook" aria-label={`Webhook ${webhook.url}`} data-webhook-id={webhook.id}>
      <div class="list-head">
        <h2 class="url">{webhook.url}</h2>
        <button type="button" class="secondary" onClick={() => void load()}>Refresh</button>
        <button type="button" class="danger" onClick={onDelete}>Delete</button>
      </div>
      <p>
        {webhook.events.map((e) => <span key={e} class="tag">{e}</span>)}
        <span class="muted"> · {webhook.links === null ? 'every link' : `links: ${webhook.links.join(', ') || 'none left'}`} · created {formatTime(webhook.createdAt)}</span>
      </p>
      {webhook.disabled && <p class="error" role="alert">{webhook.disabledReason ?? 'Disabled'} — retry a delivery to enable it again.</p>}
      {failure && <p class="error" role="alert">{failure}</p>}
      {deliveries === null ? !failure && <p class="loading">Loading…</p> : deliveries.length === 0 ? <p class="muted">No deliveries yet.</p> : (
        <div class="table-scroll">
          <table class="stack">
            <thead><tr><th>Created</th><th>Event</th><th>Status</th><th class="num">Attempts</th><th>Last error</th><th>Next attempt</th><th /></tr></thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} data-delivery-id={d.id}>
                  <td data-label="Created">{formatTime(d.createdAt)}</td>
                  <td data-label="Event">{d.type}</td>
                  <td data-label="Status" class={`delivery-${d.status}`}>{d.status}{d.lastStatus !== null && ` (${d.lastStatus})`}</td>
                  <td data-label="Attempts" class="num">{d.attempts}</td>
                  <td data-label="Last error" class="url">{d.lastError ?? ''}</td>
                  <td data-label="Next attempt">{d.nextAttemptAt === null ? '' : formatTime(d.nextAttemptAt)}</td>
                  <td><button type="button" class="secondary" onClick={() => void retry(d)}>Retry</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, linkApi, type FieldError, type Link } from '../api.js';
import { plural } from '../format.js';
import { formText, instantToLocal, localToInstant, splitTags } from '../form-values.js';
import { ruleDrafts, rulesOf, variantDrafts, variantsOf } from '../link-targeting.js';
import { DeliveryFields, deliveryOf } from './delivery-fields.js';
import { Field } from './field.js';
import { RulesEditor, VariantsEditor } from './targeting-editor.js';

export function LinkEditor({ link, domain, onSaved, onDeleted }: { link: Link; domain: string | undefined; onSaved: (link: Link) => void; onDeleted: () => void }) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [rules, setRules] = useState(() => ruleDrafts(link.rules));
  const [variants, setVariants] = useState(() => variantDrafts(link.variants));
  // The link as saved (here, or elsewhere and refetched) replaces the drafts; a live click does not.
  useEffect(() => {
    setRules(ruleDrafts(link.rules));
    setVariants(variantDrafts(link.variants));
  }, [link.updatedAt]);

  async function change(json: Record<string, unknown>) {
    try {
      onSaved(await api<Link>(linkApi(link.code, domain), { method: 'PATCH', json }));
      setErrors([]);
      setMessage('Saved');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setErrors(error.errors);
      setMessage(error.message);
    }
  }

  function save(event: Event) {
    event.preventDefault();
    const text = formText(event);
    void change({
      url: text('url'),
      title: text('title') || null,
      tags: splitTags(text('tags')),
      expiresAt: localToInstant(text('expiresAt')),
      maxClicks: text('maxClicks') ? Number(text('maxClicks')) : null,
      redirectType: Number(text('redirectType')),
      ...deliveryOf(text),
      rules: rulesOf(rules),
      variants: variantsOf(variants),
    });
  }

  async function remove() {
    if (!window.confirm(`Delete ${link.code} and all its clicks? This cannot be undone.`)) return;
    await api(linkApi(link.code, domain), { method: 'DELETE' });
    onDeleted();
  }

  return (
    <form class="card editor" onSubmit={save} aria-label="Edit link" key={link.updatedAt}>
      <h2>Edit</h2>
      <Field label="Target URL" name="url" errors={errors}><input name="url" defaultValue={link.url} /></Field>
      <Field label="Title" name="title" errors={errors}><input name="title" defaultValue={link.title ?? ''} /></Field>
      <Field label="Tags (comma separated)" name="tags" errors={errors}><input name="tags" defaultValue={link.tags.join(', ')} /></Field>
      <Field label="Expires" name="expiresAt" errors={errors}><input name="expiresAt" type="datetime-local" defaultValue={instantToLocal(link.expiresAt)} /></Field>
      <Field label="Click limit" name="maxClicks" errors={errors}><input name="maxClicks" type="number" min={1} defaultValue={link.maxClicks === null ? '' : String(link.maxClicks)} /></Field>
      <Field label="Redirect" name="redirectType" errors={errors}>
        <select name="redirectType" defaultValue={String(link.redirectType)}>
          {[302, 301, 307, 308].map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </Field>
      <DeliveryFields link={link} errors={errors} />
      <details class="more" open={link.rules.length > 0 || link.variants.length > 0 || errors.some((e) => /^(rules|variants)\b/.test(e.field)) || undefined}>
        <summary>Targeting rules and A/B split{link.rules.length + link.variants.length > 0 && ` (${link.rules.length} ${plural(link.rules.length, 'rule')}, ${link.variants.length} ${plural(link.variants.length, 'variant')})`}</summary>
        <RulesEditor rules={rules} onChange={setRules} errors={errors} />
        <VariantsEditor variants={variants} onChange={setVariants} errors={errors} />
      </details>
      {message && <p class={errors.length ? 'error' : 'muted'} role="status">{message}</p>}
      <div class="actions">
        <button type="submit">Save</button>
        <button type="button" class="secondary" onClick={() => void change({ disabled: !link.disabled })}>{link.disabled ? 'Enable' : 'Disable'}</button>
        <button type="button" class="danger" onClick={() => void remove()}>Delete</button>
      </div>
    </form>
  );
}

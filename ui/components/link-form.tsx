import { useState } from 'preact/hooks';
import { api, ApiError, type Domain, type FieldError, type Link } from '../api.js';
import { formText, localToInstant, splitTags } from '../form-values.js';
import { rulesOf, variantsOf, type RuleDraft, type VariantDraft } from '../link-targeting.js';
import { DeliveryFields, deliveryOf } from './delivery-fields.js';
import { Field } from './field.js';
import { RulesEditor, VariantsEditor } from './targeting-editor.js';
import { emptyUtm, UtmBuilder, utmOf, type UtmDraft } from './utm-builder.js';

const inGroup = (errors: FieldError[], ...names: string[]) => errors.some((e) => names.some((n) => e.field === n || e.field.startsWith(`${n}.`) || e.field.startsWith(`${n}[`)));

/** Shorten a URL; the API's field errors show beside the fields they name. */
export function LinkForm({ domains, onCreated }: { domains: readonly Domain[]; onCreated: (link: Link) => void }) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState('');
  const [utm, setUtm] = useState<UtmDraft>(emptyUtm);
  const [rules, setRules] = useState<RuleDraft[]>([]);
  const [variants, setVariants] = useState<VariantDraft[]>([]);

  async function submit(event: Event) {
    event.preventDefault();
    const text = formText(event);
    const delivery = deliveryOf(text);
    setBusy(true);
    try {
      const link = await api<Link>('/api/links', {
        method: 'POST',
        json: {
          url: text('url'),
          ...(text('code') && { code: text('code') }),
          ...(text('domain') && { domain: text('domain') }),
          ...(text('title') && { title: text('title') }),
          tags: splitTags(text('tags')),
          ...(text('expiresAt') && { expiresAt: localToInstant(text('expiresAt')) }),
          ...(utmOf(utm) && { utm: utmOf(utm) }),
          ...(delivery.fallbackUrl && { fallbackUrl: delivery.fallbackUrl }),
          ...(!delivery.track && { track: false }),
          ...(delivery.preview && { preview: delivery.preview }),
          ...(rules.length > 0 && { rules: rulesOf(rules) }),
          ...(variants.length > 0 && { variants: variantsOf(variants) }),
        },
      });
      setErrors([]);
      setMessage('');
      (event.target as HTMLFormElement).reset();
      setUrl('');
      setUtm(emptyUtm());
      setRules([]);
      setVariants([]);
      onCreated(link);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setErrors(error.errors);
      setMessage(error.message);
    } finally {
      setBusy(false);
    }
  }

  // A section holding a field the API refused opens by itself.
  const open = (...names: string[]) => inGroup(errors, ...names) || undefined;
  return (
    <form class="card link-form" onSubmit={submit} aria-label="Shorten a URL" noValidate>
      <h2>Shorten a URL</h2>
      <div class="fields">
        <Field label="Long URL" name="url" errors={errors}>
          <input name="url" type="url" required placeholder="https://example.com/campaign" autoComplete="off" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </Field>
        <Field label="Custom code (optional)" name="code" errors={errors}>
          <input name="code" placeholder="spring-sale" autoComplete="off" />
        </Field>
        {domains.length > 1 && (
          <Field label="Domain" name="domain" errors={errors}>
            <select name="domain">
              {domains.map((d) => <option key={d.host} value={d.isDefault ? '' : d.host}>{d.host}</option>)}
            </select>
          </Field>
        )}
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
      <details class="more" open={open('utm')}>
        <summary>Campaign tags (UTM)</summary>
        <UtmBuilder url={url} utm={utm} onChange={setUtm} errors={errors} />
      </details>
      <details class="more" open={open('fallbackUrl', 'track', 'preview')}>
        <summary>Fallback, tracking and social preview</summary>
        <DeliveryFields errors={errors} />
      </details>
      <details class="more" open={open('rules', 'variants')}>
        <summary>Targeting rules and A/B split</summary>
        <RulesEditor rules={rules} onChange={setRules} errors={errors} />
        <VariantsEditor variants={variants} onChange={setVariants} errors={errors} />
      </details>
      {message && errors.length === 0 && <p class="error" role="alert">{message}</p>}
      <button type="submit" disabled={busy}>{busy ? 'Shortening…' : 'Shorten'}</button>
    </form>
  );
}

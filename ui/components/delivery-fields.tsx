import type { FieldError, Link } from '../api.js';
import { Field } from './field.js';

/**
 * Fallback URL, tracking and the social preview: the same fields, read the same way, on the create
 * and the edit form (uncontrolled; `deliveryOf` reads them from the submitted form).
 */
export function DeliveryFields({ link, errors }: { link?: Link; errors: FieldError[] }) {
  return (
    <>
      <div class="fields">
        <Field label="Fallback URL (when disabled, expired or used up)" name="fallbackUrl" errors={errors}>
          <input name="fallbackUrl" type="url" defaultValue={link?.fallbackUrl ?? ''} placeholder="https://example.com/" autoComplete="off" />
        </Field>
        <label class="check">
          <input type="checkbox" name="noTrack" defaultChecked={link ? !link.track : false} />
          <span>Don't record clicks (redirect only)</span>
        </label>
      </div>
      <fieldset class="preview-fields">
        <legend>Social preview (what Facebook, X, Slack… show)</legend>
        <div class="fields">
          <Field label="Preview title" name="preview.title" errors={errors}>
            <input name="previewTitle" defaultValue={link?.preview?.title ?? ''} autoComplete="off" />
          </Field>
          <Field label="Preview description" name="preview.description" errors={errors}>
            <input name="previewDescription" defaultValue={link?.preview?.description ?? ''} autoComplete="off" />
          </Field>
          <Field label="Preview image URL" name="preview.image" errors={errors}>
            <input name="previewImage" type="url" defaultValue={link?.preview?.image ?? ''} placeholder="https://example.com/card.png" autoComplete="off" />
          </Field>
        </div>
      </fieldset>
    </>
  );
}

/** The fields above as the API takes them: a preview only with something in it, to clear it null. */
export function deliveryOf(text: (name: string) => string) {
  const [title, description, image] = [text('previewTitle'), text('previewDescription'), text('previewImage')];
  return {
    fallbackUrl: text('fallbackUrl') || null,
    track: text('noTrack') !== 'on',
    preview: title || description || image ? { title, description: description || null, image: image || null } : null,
  };
}

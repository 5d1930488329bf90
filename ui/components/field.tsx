import type { ComponentChildren } from 'preact';
import type { FieldError } from '../api.js';

/** A labelled form field with its validation message (from the API's problem `errors`). */
export function Field({ label, name, errors, children }: { label: string; name: string; errors: FieldError[]; children: ComponentChildren }) {
  const error = errors.find((e) => e.field === name || e.field.startsWith(`${name}[`) || e.field.startsWith(`${name}.`));
  return (
    <label class={error ? 'field invalid' : 'field'}>
      <span>{label}</span>
      {children}
      {error && <span class="error" role="alert" data-field-error={name}>{error.message}</span>}
    </label>
  );
}

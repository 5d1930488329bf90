/** Reading the link forms (create and edit) the same way. */

/** A trimmed text field of a submitted form ('' when absent). */
export function formText(event: Event): (name: string) => string {
  const form = new FormData(event.currentTarget as HTMLFormElement);
  return (name) => String(form.get(name) ?? '').trim();
}

export const splitTags = (text: string) => text.split(',').map((t) => t.trim()).filter((t) => t !== '');

/** A datetime-local value (local wall time) as an ISO instant, or null when empty. */
export const localToInstant = (local: string) => (local === '' ? null : new Date(local).toISOString());

/** An ISO instant as datetime-local wants it: local wall time without zone. */
export function instantToLocal(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

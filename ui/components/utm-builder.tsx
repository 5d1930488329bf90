import type { FieldError } from '../api.js';
import { FieldErrors } from '../../src/core/shared/field-errors.js';
import { withUtm, type UtmInput } from '../../src/core/links/utm.js';
import { Field } from './field.js';

export type UtmDraft = Record<keyof UtmInput, string>;

export const emptyUtm = (): UtmDraft => ({ source: '', medium: '', campaign: '', term: '', content: '' });

const TAGS: readonly (readonly [keyof UtmInput, string, string])[] = [
  ['source', 'Source', 'newsletter'],
  ['medium', 'Medium', 'email'],
  ['campaign', 'Campaign', 'spring-sale'],
  ['term', 'Term', 'running shoes'],
  ['content', 'Content', 'header-link'],
];

/** The tags given, as `utm` on create takes them; undefined when none is. */
export function utmOf(draft: UtmDraft): UtmInput | undefined {
  const given = Object.entries(draft).filter(([, v]) => v.trim() !== '');
  return given.length === 0 ? undefined : Object.fromEntries(given);
}

/** The target URL as the link will have it: the core's own merge, or undefined while `url` is no URL. */
function resulting(url: string, draft: UtmDraft): string | undefined {
  const utm = utmOf(draft);
  if (utm === undefined) return undefined;
  try {
    return withUtm(url.trim(), utm, new FieldErrors());
  } catch {
    return undefined;
  }
}

/** Campaign tags for the create form, with the URL they make. */
export function UtmBuilder({ url, utm, onChange, errors }: { url: string; utm: UtmDraft; onChange: (utm: UtmDraft) => void; errors: FieldError[] }) {
  const result = resulting(url, utm);
  return (
    <fieldset class="utm-builder">
      <legend class="visually-hidden">Campaign tags (UTM)</legend>
      <div class="fields">
        {TAGS.map(([tag, label, placeholder]) => (
          <Field key={tag} label={label} name={`utm.${tag}`} errors={errors}>
            <input name={`utm_${tag}`} value={utm[tag]} onInput={(e) => onChange({ ...utm, [tag]: e.currentTarget.value })} placeholder={placeholder} autoComplete="off" />
          </Field>
        ))}
      </div>
      <p class="utm-result">
        <span class="muted">Target URL: </span>
        <output data-testid="utm-result">{result ?? (utmOf(utm) ? 'enter the long URL above' : 'no tags yet')}</output>
      </p>
    </fieldset>
  );
}

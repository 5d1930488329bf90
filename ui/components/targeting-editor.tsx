import type { FieldError } from '../api.js';
import { emptyRule, emptyVariant, moved, type RuleDraft, type VariantDraft } from '../link-targeting.js';
import { Field } from './field.js';

/** A message the API gave the list itself (`rules: at most 50 rules`), not one of its items. */
function ListError({ name, errors }: { name: string; errors: FieldError[] }) {
  const error = errors.find((e) => e.field === name);
  return error ? <p class="error" role="alert" data-field-error={name}>{error.message}</p> : null;
}

const CONDITIONS: readonly (readonly [keyof RuleDraft, string, string])[] = [
  ['device', 'Device', 'mobile, tablet'],
  ['country', 'Country', 'DE, AT'],
  ['language', 'Language', 'de'],
  ['os', 'OS', 'iOS, Android'],
  ['browser', 'Browser', 'Chrome'],
  ['ip', 'IP or CIDR', '10.0.0.0/8'],
  ['query', 'Query parameters', 'ref=tw&ref=fb'],
];

interface RulesProps {
  rules: RuleDraft[];
  onChange: (rules: RuleDraft[]) => void;
  errors: FieldError[];
}

/** Targeting rules in order: the first whose conditions all hold sends the visitor to its URL. */
export function RulesEditor({ rules, onChange, errors }: RulesProps) {
  const set = (i: number, field: keyof RuleDraft, value: string) => onChange(rules.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  return (
    <fieldset class="list-editor rules-editor">
      <legend>Targeting rules</legend>
      <p class="hint">In order, the first rule whose conditions all hold picks the target. A condition takes one value or a comma list (any of); an empty one always holds.</p>
      <ListError name="rules" errors={errors} />
      <ol>
        {rules.map((rule, i) => {
          const name = (field: string) => `rules[${i}].${field}`;
          const when = (field: string) => `rules[${i}].when.${field}`;
          return (
            <li key={i} class="list-item" data-rule={i}>
              <div class="fields">
                <Field label={`Rule ${i + 1}: target URL`} name={name('url')} errors={errors}>
                  <input value={rule.url} onInput={(e) => set(i, 'url', e.currentTarget.value)} placeholder="https://example.com/app" autoComplete="off" data-input="url" />
                </Field>
                {CONDITIONS.map(([field, label, placeholder]) => (
                  <Field key={field} label={label} name={when(field)} errors={errors}>
                    <input value={rule[field]} onInput={(e) => set(i, field, e.currentTarget.value)} placeholder={placeholder} autoComplete="off" data-input={field} />
                  </Field>
                ))}
                <Field label="From" name={when('after')} errors={errors}>
                  <input type="datetime-local" value={rule.after} onInput={(e) => set(i, 'after', e.currentTarget.value)} data-input="after" />
                </Field>
                <Field label="Until" name={when('before')} errors={errors}>
                  <input type="datetime-local" value={rule.before} onInput={(e) => set(i, 'before', e.currentTarget.value)} data-input="before" />
                </Field>
              </div>
              <div class="actions">
                <button type="button" class="secondary" disabled={i === 0} onClick={() => onChange(moved(rules, i, -1))} aria-label={`Move rule ${i + 1} up`}>↑ Up</button>
                <button type="button" class="secondary" disabled={i === rules.length - 1} onClick={() => onChange(moved(rules, i, 1))} aria-label={`Move rule ${i + 1} down`}>↓ Down</button>
                <button type="button" class="secondary" onClick={() => onChange(rules.filter((_, j) => j !== i))} aria-label={`Remove rule ${i + 1}`}>Remove</button>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" class="secondary" onClick={() => onChange([...rules, emptyRule()])}>Add a rule</button>
    </fieldset>
  );
}

interface VariantsProps {
  variants: VariantDraft[];
  onChange: (variants: VariantDraft[]) => void;
  errors: FieldError[];
}

/** An A/B split: each visitor is sent to one URL by weight (when no rule holds), the same all day. */
export function VariantsEditor({ variants, onChange, errors }: VariantsProps) {
  const set = (i: number, field: keyof VariantDraft, value: string) => onChange(variants.map((v, j) => (j === i ? { ...v, [field]: value } : v)));
  const total = variants.reduce((sum, v) => sum + (Number(v.weight) || 0), 0);
  return (
    <fieldset class="list-editor variants-editor">
      <legend>A/B split</legend>
      <p class="hint">Two or more URLs, each with a weight: a visitor gets one of them by weight, and the same one all day.</p>
      <ListError name="variants" errors={errors} />
      <ol>
        {variants.map((variant, i) => (
          <li key={i} class="list-item variant" data-variant={i}>
            <Field label={`Variant ${i + 1}: URL`} name={`variants[${i}].url`} errors={errors}>
              <input value={variant.url} onInput={(e) => set(i, 'url', e.currentTarget.value)} placeholder="https://example.com/a" autoComplete="off" data-input="url" />
            </Field>
            <Field label={`Weight${total > 0 && Number(variant.weight) > 0 ? ` (${Math.round((Number(variant.weight) / total) * 100)} %)` : ''}`} name={`variants[${i}].weight`} errors={errors}>
              <input type="number" min={1} step={1} value={variant.weight} onInput={(e) => set(i, 'weight', e.currentTarget.value)} data-input="weight" />
            </Field>
            <button type="button" class="secondary" onClick={() => onChange(variants.filter((_, j) => j !== i))} aria-label={`Remove variant ${i + 1}`}>Remove</button>
          </li>
        ))}
      </ol>
      <button type="button" class="secondary" onClick={() => onChange([...variants, emptyVariant()])}>Add a variant</button>
    </fieldset>
  );
}

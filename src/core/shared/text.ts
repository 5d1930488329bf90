/**
 * `text` trimmed and cut to at most `max` characters (code points: half a surrogate pair is not
 * text a database would store), or null when nothing is left.
 */
export function cappedText(text: string, max: number): string | null {
  let value = text.trim();
  if (value.length > max) value = Array.from(value).slice(0, max).join('').trimEnd();
  return value === '' ? null : value;
}

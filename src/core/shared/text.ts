// Control characters other than tab, line feed and carriage return, and halves of surrogate pairs:
// PostgreSQL refuses U+0000 in text and no database keeps a lone surrogate as written.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Cs}/u;
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Cs}/gu;

/**
 * Why `text` cannot be stored as text (naming the first offending character), or undefined when
 * it can. The one rule every text a user sends is held to.
 */
export function unprintableProblem(text: string): string | undefined {
  const found = UNPRINTABLE.exec(text);
  if (found === null) return undefined;
  const code = `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const what = /\p{Cs}/u.test(found[0]) ? `half a surrogate pair (${code})` : `the control character ${code}`;
  return `must not contain control characters or broken Unicode; found ${what} at position ${found.index}`;
}

/**
 * `text` trimmed and cut to at most `max` characters (code points: half a surrogate pair is not
 * text a database would store), or null when nothing is left. What a visitor's request carries is
 * recorded, not refused: characters no database keeps as text are dropped.
 */
export function cappedText(text: string, max: number): string | null {
  let value = text.replace(UNPRINTABLE_ALL, '').trim();
  if (value.length > max) value = Array.from(value).slice(0, max).join('').trimEnd();
  return value === '' ? null : value;
}

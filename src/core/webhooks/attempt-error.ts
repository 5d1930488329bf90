import { cappedText } from '../shared/text.js';

const MAX_ERROR_LENGTH = 300;

/**
 * A failed attempt in a line: the receiver's status and the start of its answer, or why there was
 * none. A receiver writes what it likes, so it is kept on one line, without control characters, short.
 */
export function attemptError(status: number | null, detail: string): string {
  const text = cappedText(detail.replace(/\s+/g, ' '), MAX_ERROR_LENGTH);
  if (status === null) return text ?? 'no answer';
  return text === null ? `HTTP ${status}` : `HTTP ${status}: ${text}`;
}

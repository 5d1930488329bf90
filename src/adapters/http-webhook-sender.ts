import type { ReceiverAnswer, WebhookSender } from '../core/webhooks/webhook-sender.js';

// Enough of a receiver's answer to say what went wrong; the rest is not read.
const EXCERPT_BYTES = 1024;

/** Posts events with fetch: no redirects followed (a 3xx is a failed attempt), the whole answer within the timeout. */
export class HttpWebhookSender implements WebhookSender {
  async post(url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number, signal: AbortSignal): Promise<ReceiverAnswer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([signal, timeout]) });
      return { status: response.status, excerpt: await excerpt(response) };
    } catch (error) {
      if (timeout.aborted) throw new Error(`no answer within ${timeoutMs / 1000} s`);
      // fetch says "fetch failed" and keeps the reason (ECONNREFUSED, a DNS failure) in its cause.
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(`${error instanceof Error ? error.message : String(error)}${cause}`, { cause: error });
    }
  }
}

async function excerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

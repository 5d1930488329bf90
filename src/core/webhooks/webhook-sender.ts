/** What a receiver answered: its status and the start of its body (for the delivery log). */
export interface ReceiverAnswer {
  readonly status: number;
  readonly excerpt: string;
}

/** Posts an event to a receiver. Port: the HTTP client lives in adapters/. */
export interface WebhookSender {
  /** Rejects when no answer came within `timeoutMs`, the connection failed or `signal` aborted. */
  post(url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number, signal: AbortSignal): Promise<ReceiverAnswer>;
}

import { useCallback, useEffect, useRef } from 'preact/hooks';
import { refreshDelay } from './refresh-delay.js';

const RETRY_MS = 1000;

/**
 * Subscribes to a server-sent event stream of clicks, and stays subscribed: the browser retries
 * lost connections by itself, but gives up on an HTTP error (say a 503 while the server restarts),
 * so then we open a new stream. `onReconnect` lets a page refetch what it missed; `seen` drops
 * clicks already shown, so a restart never shows a click twice.
 */
export function subscribeClicks<C extends { id: number }>(
  path: string,
  onClick: (click: C) => void,
  onStatus: (status: 'live' | 'reconnecting') => void,
  onReconnect: () => void,
): () => void {
  const seen = new Set<number>();
  let lost = false;
  let closed = false;
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    source = new EventSource(path, { withCredentials: true });
    source.addEventListener('open', () => {
      onStatus('live');
      if (lost) onReconnect();
      lost = false;
    });
    source.addEventListener('error', () => {
      lost = true;
      onStatus('reconnecting');
      if (source?.readyState === EventSource.CLOSED && !closed) {
        retry = setTimeout(open, RETRY_MS);
      }
    });
    source.addEventListener('click', (event) => {
      const click = JSON.parse((event as MessageEvent<string>).data) as C;
      if (seen.has(click.id)) return;
      seen.add(click.id);
      onClick(click);
    });
  };
  open();

  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}

/**
 * Live clicks move counters at once; the figures only the server knows (unique visitors) follow
 * with a refetch (see refreshDelay).
 */
export function useSettledRefresh(refresh: () => Promise<void>): () => void {
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const firstPending = useRef<number | undefined>();
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    const now = Date.now();
    firstPending.current ??= now;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      firstPending.current = undefined;
      void refresh();
    }, refreshDelay(firstPending.current, now));
  }, [refresh]);
}

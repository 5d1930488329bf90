import { subscribeClicks } from './live.js';

type Status = 'live' | 'reconnecting';
type Message<C> =
  | { type: 'click'; click: C }
  | { type: 'status'; status: Status }
  | { type: 'reconnected' }
  | { type: 'hello' };

const isMessage = <C>(data: unknown): data is Message<C> =>
  typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string';

/**
 * One live stream per browser and path, however many tabs show it. Over HTTP/1.1 a browser opens at
 * most six connections to a host, so a stream per tab would leave a seventh tab loading forever.
 * The tab holding a Web Lock (the leader) holds the EventSource and relays over a BroadcastChannel;
 * when it closes, the lock passes to another tab, which opens the stream, and every tab refetches
 * what it may have missed meanwhile. Same arguments as `subscribeClicks`.
 */
export function subscribeShared<C extends { id: number }>(
  path: string,
  onClick: (click: C) => void,
  onStatus: (status: Status) => void,
  onReconnect: () => void,
): () => void {
  if (typeof BroadcastChannel !== 'function' || !('locks' in navigator)) return subscribeClicks(path, onClick, onStatus, onReconnect);
  const name = `linkpulse-live ${path}`;
  const channel = new BroadcastChannel(name);
  const stop = new AbortController();
  const seen = new Set<number>();
  let leading = false;
  let status: Status = 'reconnecting';

  // A click may still arrive between this page's cleanup and the stream's close: nothing is sent then.
  const post = (message: Message<C>) => {
    if (!stop.signal.aborted) channel.postMessage(message);
  };
  const deliver = (click: C) => {
    if (seen.has(click.id)) return;
    seen.add(click.id);
    onClick(click);
  };
  const setStatus = (next: Status) => {
    status = next;
    onStatus(next);
  };
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isMessage<C>(message)) return;
    if (message.type === 'hello') {
      if (leading) post({ type: 'status', status });
    } else if (!leading) {
      if (message.type === 'click') deliver(message.click);
      else if (message.type === 'status') setStatus(message.status);
      else onReconnect();
    }
  };
  channel.postMessage({ type: 'hello' });

  const lead = async (handOver: boolean) => {
    leading = true;
    // A tab that took over from another may have missed clicks in between: every tab refetches.
    let missedSome = handOver;
    const reconnected = () => {
      onReconnect();
      post({ type: 'reconnected' });
    };
    const unsubscribe = subscribeClicks<C>(path, (click) => {
      deliver(click);
      post({ type: 'click', click });
    }, (next) => {
      setStatus(next);
      post({ type: 'status', status: next });
      if (next === 'live' && missedSome) {
        missedSome = false;
        reconnected();
      }
    }, reconnected);
    // Held until this page stops listening (or the tab closes, which releases it too).
    await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    unsubscribe();
    leading = false;
  };
  void navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock) await lead(false);
    return lock !== null;
  }).then((led) => {
    if (!led && !stop.signal.aborted) return navigator.locks.request(name, { signal: stop.signal }, () => lead(true));
    return undefined;
  }).catch(() => undefined);

  return () => {
    stop.abort();
    channel.close();
  };
}

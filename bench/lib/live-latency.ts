/**
 * Click → server-sent event latency as a subscriber sees it: redirects are sent at a steady pace,
 * each with its own user agent, and every `event: click` is matched back to its request's start.
 */
export async function liveLatency(baseUrl: string, adminKey: string, code: string, clicks: number, perSecond: number): Promise<{ samples: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/live`, { headers: { authorization: `Bearer ${adminKey}` }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`live stream: ${res.status}`);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const reading = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (!data) continue;
        const ua = (JSON.parse(data) as { userAgent: string | null }).userAgent ?? '';
        const start = sentAt.get(ua);
        if (start !== undefined) latencies.push(performance.now() - start);
      }
    }
  })().catch(() => undefined);

  const pending: Promise<unknown>[] = [];
  const gap = 1000 / perSecond;
  const begin = performance.now();
  for (let i = 0; i < clicks; i++) {
    const wait = begin + i * gap - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const ua = `live-latency/${i}`;
    sentAt.set(ua, performance.now());
    pending.push(fetch(`${baseUrl}/${code}`, { redirect: 'manual', headers: { 'user-agent': ua } }).then((r) => r.arrayBuffer()));
  }
  await Promise.all(pending);
  const deadline = performance.now() + 2000;
  while (latencies.length < clicks && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  await reading;
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { samples: sorted.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(sorted.at(-1) ?? NaN) };
}

const round = (n: number) => Math.round(n * 100) / 100;

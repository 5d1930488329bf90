import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One event as a receiver got it, its signature verified. */
export interface ReceivedEvent {
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  // Test assertions walk event bodies freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data: any;
}

/**
 * A real HTTP receiver on 127.0.0.1 that checks every request with the `standardwebhooks` package
 * (`new Webhook(secret).verify`) and counts it once its answer is sent; a request that fails
 * verification is answered 400 and recorded in `refused`. It can be taken down (connection refused) and brought up again on
 * the same port, and made to answer slowly.
 */
export class WebhookReceiver {
  readonly events: ReceivedEvent[] = [];
  readonly refused: string[] = [];
  /** Answer time of each request, to keep deliveries in flight. */
  delayMs = 0;
  /** Requests received and not answered yet. */
  inFlight = 0;
  private secret: string | undefined;
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** The secret to verify with (a webhook's, from its creation). */
  verifyWith(secret: string): void {
    this.secret = secret;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      this.inFlight++;
      res.once('close', () => this.inFlight--);
      void this.receive(req).then(
        async (event) => {
          if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
          // Counted once answered: a sender killed before it read the answer has not delivered.
          if (event) res.once('finish', () => this.events.push(event));
          res.writeHead(event ? 204 : 400).end();
        },
        () => res.writeHead(500).end(),
      );
    });
    server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: attempts meet a refused connection. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every click id received in clicks.recorded events. */
  clickIds(): Set<number> {
    return new Set(this.events.filter((e) => e.type === 'clicks.recorded').flatMap((e) => (e.data.clicks as { id: number }[]).map((c) => c.id)));
  }

  ofType(type: string): ReceivedEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  private async receive(req: IncomingMessage): Promise<ReceivedEvent | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    try {
      if (this.secret === undefined) throw new Error('no secret to verify with');
      const event = new Webhook(this.secret).verify(body, headers) as Omit<ReceivedEvent, 'id'>;
      return { ...event, id: headers['webhook-id'] as string };
    } catch (error) {
      this.refused.push(`${headers['webhook-id']}: ${String(error)}`);
      return undefined;
    }
  }
}

/** Polls `holds` every 50 ms until it is true, or fails after `timeoutMs` saying `what`. */
export async function eventually(holds: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { spawnServer, stopServer, type SpawnedServer } from '../helpers/spawned-server.js';
import { ADMIN_KEY } from '../helpers/test-server.js';
import { eventually, WebhookReceiver } from '../helpers/webhook-receiver.js';

// kill -9 of a server while it delivers clicks to a slow receiver, on each database: after a
// restart every stored click still arrives (claims of the killed process lapse, or on SQLite are
// released at start; events not yet made are made from the stored clicks).

const WORKERS = 8;
const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

describe('kill -9 while webhooks are delivered', () => {
  for (const kind of DATABASE_KINDS) {
    it(`loses no click event on ${kind.name}`, { skip: kind.skip, timeout: 120_000 }, async (t) => {
      const t0 = Date.now();
      const database = await kind.create();
      const env = { LINKPULSE_DATABASE_URL: database.url, LINKPULSE_ADMIN_KEY: ADMIN_KEY };
      const receiver = new WebhookReceiver();
      // Slow answers: attempts are in flight when the server dies.
      receiver.delayMs = 100;
      await receiver.up();
      let server: SpawnedServer | undefined;
      try {
        server = await spawnServer(env);
        const post = (path: string, body: unknown) => fetch(`${(server as SpawnedServer).url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
        assert.equal((await post('/api/links', { url: 'https://example.com/', code: 'k' })).status, 201);
        const hook = await (await post('/api/webhooks', { url: receiver.url, events: ['clicks.recorded'] })).json() as { secret: string };
        receiver.verifyWith(hook.secret);

        // Redirects until several events arrived and attempts are in flight, then kill -9.
        let stop = false;
        let sent = 0;
        const target = server.url;
        const load = Promise.all(Array.from({ length: WORKERS }, async () => {
          while (!stop) {
            try {
              await (await fetch(`${target}/k`, { redirect: 'manual', headers: { 'user-agent': `kill/${sent++}` } })).arrayBuffer();
            } catch {
              return; // the server is gone
            }
          }
        }));
        await eventually(() => receiver.events.length >= 5 && receiver.inFlight > 0, () => `${receiver.events.length} events, ${receiver.inFlight} in flight`, 30_000);
        t.diagnostic(`killing at ${Date.now() - t0} ms`);
        await stopServer(server, 'SIGKILL');
        stop = true;
        await load;
        const beforeRestart = receiver.clickIds().size;

        server = await spawnServer(env);
        t.diagnostic(`restarted at ${Date.now() - t0} ms`);
        const text = await (await fetch(`${server.url}/api/links/k/clicks/export?format=ndjson`, { headers: auth })).text();
        const stored = text.trim().split('\n').map((line) => (JSON.parse(line) as { id: number }).id);
        assert.ok(stored.length > beforeRestart, `${stored.length} clicks stored, ${beforeRestart} delivered before the kill`);
        await eventually(() => stored.every((id) => receiver.clickIds().has(id)),
          () => `${stored.filter((id) => !receiver.clickIds().has(id)).length} of ${stored.length} stored clicks not delivered`, 60_000);
        t.diagnostic(`${stored.length} delivered at ${Date.now() - t0} ms`);
        assert.deepEqual(receiver.refused, []);
      } finally {
        if (server) await stopServer(server);
        await receiver.down();
        await database.drop();
      }
    });
  }
});

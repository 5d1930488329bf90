import { createLinkPulse, type LinkPulse } from '../../src/composition-root.js';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/core/shared/clock.js';
import type { OrphanCapLimits } from '../../src/core/orphans/orphan-cap.js';
import { buildApp } from '../../src/http/app.js';
import type { FastifyInstance } from 'fastify';
import { postgresKind, sqliteKind, type TestDatabase } from './databases.js';

/** LINKPULSE_TEST_DATABASE=postgres runs the HTTP suites on PostgreSQL (CI does both). */
export const defaultKind = process.env.LINKPULSE_TEST_DATABASE === 'postgres' ? postgresKind : sqliteKind;

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

// Test assertions walk response bodies freely; the API's real types are checked by its schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<Json> };

export interface TestServer {
  readonly url: string;
  readonly lp: LinkPulse;
  readonly app: FastifyInstance;
  /** fetch against the server with the admin key unless headers say otherwise. */
  api(path: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  readonly database?: TestDatabase;
  readonly apiRateLimit?: number;
  /** A fixed port, to restart a server where its clients expect it. */
  readonly port?: number;
  /** How many orphan visits are stored a minute. */
  readonly orphanCap?: OrphanCapLimits;
}

/** A real server on a real socket (port 0), on its own SQLite file unless a database is given. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await defaultKind.create());
  const config = loadConfig({
    PORT: String(options.port ?? 0),
    LINKPULSE_DATABASE_URL: database.url,
    LINKPULSE_ADMIN_KEY: ADMIN_KEY,
    LINKPULSE_BASE_URL: 'http://sho.rt',
    LINKPULSE_LOG_LEVEL: 'silent',
    ...options.env,
  });
  const lp = await createLinkPulse(config, { ...(options.clock && { clock: options.clock }), ...(options.orphanCap && { orphanCap: options.orphanCap }) });
  const app = await buildApp(lp, { apiRateLimit: options.apiRateLimit });
  const address = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  return {
    url: address,
    lp,
    app,
    api(path, init = {}) {
      const { json, key = ADMIN_KEY, headers, ...rest } = init;
      const h = new Headers(headers);
      if (key !== null && !h.has('authorization')) h.set('authorization', `Bearer ${key}`);
      if (json !== undefined) h.set('content-type', 'application/json');
      return fetch(`${address}${path}`, { ...rest, headers: h, redirect: 'manual', ...(json !== undefined && { body: JSON.stringify(json) }) });
    },
    async close() {
      await app.close();
      await lp.close();
      if (!options.database) await database.drop();
    },
  };
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

import type { FastifyInstance } from 'fastify';
import { createLinkPulse, type LinkPulse } from './composition-root.js';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { listenError } from './startup-errors.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly lp: LinkPulse;
  readonly url: string;
  /** Stops accepting, finishes requests and clicks in flight, closes the database. */
  close(): Promise<void>;
}

/** Builds everything, prints a first admin key if there is none, and listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const lp = await createLinkPulse(config);
  let app: FastifyInstance | undefined;
  let url: string;
  try {
    app = await buildApp(lp);
    const firstKey = await lp.keys.bootstrap();
    if (firstKey) {
      // Shown once on purpose, on stdout and not in the log: only its hash is stored.
      process.stdout.write(`\nLinkPulse: first start, created an admin API key (it will not be shown again):\n\n    ${firstKey}\n\n`);
    }
    url = await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
      throw listenError(config.port, config.host, error);
    });
  } catch (error) {
    // Nothing may keep a process that failed to start alive: the database and its worker close.
    await app?.close().catch(() => undefined);
    await lp.close().catch(() => undefined);
    throw error;
  }
  app.log.info({ url, database: config.databaseUrl.replace(/\/\/[^@]*@/, '//***@'), baseUrl: config.baseUrl }, 'LinkPulse is listening');
  let closing: Promise<void> | undefined;
  const started = app;
  return {
    app: started, lp, url,
    close() {
      closing ??= (async () => {
        await started.close();
        await lp.close();
      })();
      return closing;
    },
  };
}

/** Ends the process cleanly on SIGINT/SIGTERM: in-flight redirects still get their clicks stored. */
export function closeOnSignals(server: RunningServer): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.app.log.info({ signal }, 'shutting down');
      server.close().then(() => process.exit(0), (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

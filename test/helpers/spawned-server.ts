import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { CLI_ARGS } from './built-cli.js';
import { printedUrl } from './printed-url.js';


export interface SpawnedServer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** `linkpulse serve` in its own process, as users run it; resolves once it listens. */
export async function spawnServer(env: Record<string, string>, cwd?: string): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [...CLI_ARGS, 'serve'], {
    // info level: the "listening" line tells us the port.
    cwd, env: { ...process.env, PORT: '0', ...env, LINKPULSE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never outlived by its server; the hook goes with the server, so many servers add no listeners up.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  const printed = printedUrl(child, 20_000);
  const url = await printed.url;
  return { url, child, output: printed.output };
}

export async function stopServer(server: SpawnedServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  const exited = once(server.child, 'exit');
  server.child.kill(signal);
  const [code] = await exited;
  return code as number | null;
}

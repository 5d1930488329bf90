import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { CLI_ARGS } from './node-ts.js';


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
  process.once('exit', () => child.kill('SIGKILL'));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { url, child, output: () => output };
}

export async function stopServer(server: SpawnedServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  const exited = once(server.child, 'exit');
  server.child.kill(signal);
  const [code] = await exited;
  return code as number | null;
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { printedUrl } from '../../test/helpers/printed-url.js';

export interface Started {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `taskset` where it works, so server and load generator do not share a core. */
export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  const taskset = spawnSync('taskset', ['-c', String(cpu), 'true']);
  return taskset.status === 0 ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** Starts a server process and resolves with the URL it prints (`"url":"http://…"`). */
export async function startServer(cpu: number, command: string, args: string[], env: Record<string, string>): Promise<Started> {
  const [bin, argv] = pinned(cpu, command, args);
  const child = spawn(bin, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  const url = await printedUrl(child, 30_000).url;
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a load generator to its end; resolves with what it printed on stdout, rejects if it failed. */
export function outputOf(command: string, args: string[], name: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${name} exited ${code}: ${text}`))));
  });
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

import { spawn } from 'node:child_process';
import { pinned } from './processes.js';

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  /** Responses that were not 2xx or 3xx. */
  readonly failures: number;
  readonly socketErrors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface WrkOptions {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  readonly cpu: number;
  readonly script: string;
  readonly scriptArgs: string[];
}

/** Runs wrk (closed loop: each connection sends its next request when the last is answered). */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const [bin, args] = pinned(options.cpu, 'wrk', [
    '-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', options.script, options.url, '--', ...options.scriptArgs,
  ]);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { text += c.toString(); });
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}:\n${text}`))));
  });
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  const [, requests = '0', seconds = '0'] = /(\d+) requests in ([\d.]+)(m?s)/.exec(output) ?? [];
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: Number(requests),
    seconds: Number(seconds),
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    failures: number(/Non-2xx or 3xx responses: (\d+)/),
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    p50Ms: latencyMs(output, '50%'),
    p99Ms: latencyMs(output, '99%'),
  };
}

function latencyMs(output: string, percentile: string): number {
  const match = new RegExp(`${percentile}\\s+([\\d.]+)(us|ms|s)`).exec(output);
  if (!match) return NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

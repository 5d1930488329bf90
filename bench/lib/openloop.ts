import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputOf, pinned } from './processes.js';
import { trafficArgs, type TrafficFiles } from './traffic.js';

export interface OpenLoopResult {
  readonly rate: number;
  readonly seconds: number;
  readonly sent: number;
  readonly answered: number;
  readonly errors: number;
  /** Still unanswered when the run stopped waiting (5 s after the last request was due). */
  readonly unanswered: number;
  readonly achievedRps: number;
  /** From when each request was due, not when it could be sent. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

const source = fileURLToPath(new URL('../openloop.c', import.meta.url));

/** Builds the open-loop generator (bench/openloop.c) into `dir`; answers its path. */
export function buildOpenLoop(dir: string): string {
  const binary = join(dir, 'openloop');
  execFileSync('cc', ['-O2', '-o', binary, source], { stdio: 'inherit' });
  return binary;
}

/** Requests at a fixed arrival rate whatever the server does (see bench/openloop.c). */
export async function runOpenLoop(binary: string, options: { url: string; rate: number; seconds: number; connections: number; cpu: number; traffic: TrafficFiles }): Promise<OpenLoopResult> {
  const port = new URL(options.url).port;
  const [bin, args] = pinned(options.cpu, binary, [port, String(Math.round(options.rate)), String(options.seconds), String(options.connections), ...trafficArgs(options.traffic)]);
  return JSON.parse(await outputOf(bin, args, 'openloop')) as OpenLoopResult;
}

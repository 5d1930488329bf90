import { fileURLToPath } from 'node:url';
import { outputOf, pinned } from './processes.js';
import { trafficArgs, type TrafficFiles } from './traffic.js';

export interface AutocannonResult {
  readonly requests: number;
  readonly seconds: number;
  /** Redirects answered a second. */
  readonly rps: number;
  readonly answered: number;
  /** Answers other than 3xx, errors and timeouts. */
  readonly failures: number;
}

const script = fileURLToPath(new URL('../autocannon-load.mjs', import.meta.url));

/** Runs autocannon in its own process (closed loop, as wrk), pinned like wrk. */
export async function runAutocannon(options: { url: string; seconds: number; connections: number; cpu: number; traffic: TrafficFiles }): Promise<AutocannonResult> {
  const [bin, args] = pinned(options.cpu, process.execPath, [script, options.url, String(options.seconds), String(options.connections), ...trafficArgs(options.traffic)]);
  return JSON.parse(await outputOf(bin, args, 'autocannon')) as AutocannonResult;
}

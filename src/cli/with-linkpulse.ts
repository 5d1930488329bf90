import { createLinkPulse, type LinkPulse } from '../composition-root.js';
import type { Config } from '../config.js';

/** Runs one command with the services open, and closes them whatever happens. */
export async function withLinkPulse<T>(config: Config, run: (lp: LinkPulse) => Promise<T>): Promise<T> {
  const lp = await createLinkPulse(config);
  try {
    return await run(lp);
  } finally {
    await lp.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Plain aligned columns for terminals. */
export function printTable(rows: readonly (readonly (string | number | null)[])[]): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, String(cell ?? '-').length); });
  for (const row of rows) process.stdout.write(`${row.map((cell, i) => String(cell ?? '-').padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
}

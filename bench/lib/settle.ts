import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const STEP_MS = 500;

/** CPU seconds a process has used (Linux /proc), or NaN where that cannot be read. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return NaN;
  }
}

/**
 * Waits until a server has finished the work a load left behind (the roller catching up, WAL
 * checkpoints): it would otherwise run on the same core as the next measurement of another server.
 * Idle = under 5 % of a core for half a second; gives up after `maxMs`.
 */
export async function settled(pid: number | undefined, maxMs = 15_000): Promise<void> {
  if (pid === undefined) return;
  const deadline = Date.now() + maxMs;
  let before = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(STEP_MS);
    const now = cpuSeconds(pid);
    if (!(now - before > 0.05 * (STEP_MS / 1000))) return; // NaN (unreadable) counts as idle
    before = now;
  }
}

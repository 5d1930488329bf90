import { closeSync, openSync, rmSync } from 'node:fs';
import { open, rm, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

// Below this, the next commit may not fit: a small write can, while a batch of clicks or a
// checkpoint growing the file cannot.
const MIN_FREE_BYTES = 1024 * 1024;

/** The filesystem holding the database turned read-only (after a disk error, or remounted so). */
class ReadOnlyDirectoryError extends Error {
  readonly code = 'SQLITE_READONLY';
}

/**
 * Throws when the directory of the database at `path` cannot take a write: too little free space
 * (`SQLITE_FULL`) or a read-only filesystem (`SQLITE_READONLY`). SQLite's own writes say neither
 * plainly, and a write that changes nothing may commit without touching the disk.
 */
export async function assertWritable(path: string): Promise<void> {
  const disk = await statfs(dirname(path));
  const free = disk.bavail * disk.bsize;
  if (free < MIN_FREE_BYTES) {
    throw Object.assign(new Error(`database or disk is full: ${Math.round(free / 1024)} KB free beside ${path}`), { code: 'SQLITE_FULL' });
  }
  try {
    await (await open(probePath(path), 'w')).close();
    await rm(probePath(path), { force: true });
  } catch (error) {
    if (isReadOnly(error)) throw new ReadOnlyDirectoryError(readOnlyMessage(path));
    // Anything else is for the database's own write to find.
  }
}

/**
 * What lies under SQLite's "disk I/O error" (and the like) when the data directory is read-only;
 * undefined otherwise. Checks the disk: called once per incident, not per failed request.
 */
export function describeFileFailure(path: string, error: unknown): string | undefined {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  if (error instanceof ReadOnlyDirectoryError || typeof code !== 'string' || !/^SQLITE_(IOERR|READONLY|CANTOPEN)/.test(code)) return undefined;
  try {
    closeSync(openSync(probePath(path), 'w'));
    rmSync(probePath(path), { force: true });
    return undefined;
  } catch (probeError) {
    return isReadOnly(probeError) ? `${readOnlyMessage(path)} (${String(message)}: ${code})` : undefined;
  }
}

/** A file written and removed beside the database to learn whether its directory takes writes. */
const probePath = (path: string) => `${path}-probe`;
const readOnlyMessage = (path: string) => `the data directory ${dirname(path)} is read-only`;
const isReadOnly = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === 'EROFS';

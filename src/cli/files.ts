import { open } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** A file the CLI cannot use, said in one line: "cannot read links.csv: no such file or directory". */
export class FileError extends Error {
  constructor(action: 'read' | 'write', path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`cannot ${action} ${path}: ${(code && REASONS[code]) ?? code ?? String(cause)}`);
  }
}

/** Opened before anything is read, so a missing file is a plain error and not a stream's crash. */
export async function openForReading(path: string): Promise<Readable> {
  try {
    const handle = await open(path, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return handle.createReadStream();
  } catch (error) {
    throw new FileError('read', path, error);
  }
}

export async function openForWriting(path: string): Promise<Writable> {
  try {
    return (await open(path, 'w')).createWriteStream();
  } catch (error) {
    throw new FileError('write', path, error);
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH',
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL',
]);
// SQLite failing at its files (I/O errors, a read-only filesystem, a file it cannot open), with any
// extended code: the disk's fault, not a query's.
const SQLITE_FILE_CODE = /^SQLITE_(IOERR|READONLY|CANTOPEN)/;

/** True when a database error means "not now" (connection lost, server down, busy) rather than a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || SQLITE_FILE_CODE.test(code))) return true;
  return typeof message === 'string'
    && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(message);
}

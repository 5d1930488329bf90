import { ConfigError } from './config.js';
import { isDatabaseUnavailable } from './storage/sql/unavailable.js';

/** An error's code and first line, for a one-line message: "unable to open database file (SQLITE_CANTOPEN)". */
export function reasonOf(error: unknown): string {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? (message.split('\n')[0] ?? '') : String(error);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}

// PostgreSQL's answers that mean the URL is wrong or the server is not there: connection (08),
// authentication (28), no such database (3D000).
const POSTGRES_SETUP = /^(08|28|3D)/;
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/**
 * A database that cannot be opened at start, said as a fault of LINKPULSE_DATABASE_URL with the
 * path or server it names (never its password); other errors are left as they are.
 */
export function databaseStartError(databaseUrl: string, error: unknown): unknown {
  if (databaseUrl.startsWith('sqlite:')) {
    return new ConfigError('LINKPULSE_DATABASE_URL', `cannot open the SQLite database at ${databaseUrl.slice('sqlite:'.length)}: ${reasonOf(error)}`);
  }
  const code = (error as { code?: unknown } | null)?.code;
  const setup = typeof code === 'string' && (NETWORK.has(code) || POSTGRES_SETUP.test(code));
  if (!setup && !isDatabaseUnavailable(error)) return error;
  const url = new URL(databaseUrl);
  return new ConfigError('LINKPULSE_DATABASE_URL', `cannot use the PostgreSQL database ${url.hostname}:${url.port || 5432}${url.pathname}: ${reasonOf(error)}`);
}

/** A server that cannot listen: the variable to change, said with the address it tried. */
export function listenError(port: number, host: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return new ConfigError('PORT', `${port} is already in use on ${host}; choose another port`);
  if (code === 'EACCES') return new ConfigError('PORT', `${port} needs privileges this process does not have on ${host}; choose a port above 1023`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAFNOSUPPORT') {
    return new ConfigError('HOST', `cannot listen on ${host}: ${reasonOf(error)}; use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0`);
  }
  return error;
}

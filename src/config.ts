import { isIP } from 'node:net';
import type { IpStorage } from './core/clicks/ip-policy.js';
import { isAddressOrCidr } from './core/shared/address-list.js';

export type TrustProxy = number | string[];

/** Everything configurable, parsed and checked once at start. Nothing else reads the environment. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly baseUrl: string;
  readonly adminKey: string | undefined;
  readonly ipStorage: IpStorage;
  readonly trustProxy: TrustProxy | undefined;
  readonly geoipDb: string | undefined;
  readonly logLevel: string;
  /** Where a link that may not redirect sends visitors when it names no fallback of its own. */
  readonly fallbackUrl: string | undefined;
  /** Addresses and CIDRs whose redirects are never recorded. */
  readonly excludedIps: readonly string[];
  /** A query parameter that makes a redirect unrecorded (and is not forwarded). */
  readonly noTrackParam: string | undefined;
  /** Days after which a click's IP and user agent are forgotten; undefined: kept. */
  readonly retentionIpDays: number | undefined;
  readonly retentionClickDays: number | undefined;
  /** Whether requests no link answers (the base URL, unknown codes, other 404s) are recorded. */
  readonly trackOrphans: boolean;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NAMED_PROXIES = ['loopback', 'linklocal', 'uniquelocal'];

export function loadConfig(env: Env): Config {
  const port = parsePort(env.PORT);
  const host = parseHost(env.HOST);
  const databaseUrl = parseDatabaseUrl(env.LINKPULSE_DATABASE_URL);
  const baseUrl = parseBaseUrl(env.LINKPULSE_BASE_URL, port);
  const adminKey = env.LINKPULSE_ADMIN_KEY === undefined || env.LINKPULSE_ADMIN_KEY === '' ? undefined : env.LINKPULSE_ADMIN_KEY;
  if (adminKey !== undefined && adminKey.length < 16) throw new ConfigError('LINKPULSE_ADMIN_KEY', 'must be at least 16 characters');
  // A key is sent as "Bearer <key>": one with spaces or control characters could never sign in.
  if (adminKey !== undefined && !/^[\x21-\x7e]+$/.test(adminKey)) throw new ConfigError('LINKPULSE_ADMIN_KEY', 'must be printable ASCII without spaces');
  const ipStorage = oneOf('LINKPULSE_IP_STORAGE', env.LINKPULSE_IP_STORAGE, ['full', 'anonymized', 'none'] as const) ?? 'full';
  const trustProxy = parseTrustProxy(env.LINKPULSE_TRUST_PROXY);
  const geoipDb = nonEmpty('LINKPULSE_GEOIP_DB', env.LINKPULSE_GEOIP_DB);
  const logLevel = oneOf('LINKPULSE_LOG_LEVEL', env.LINKPULSE_LOG_LEVEL, LOG_LEVELS) ?? 'info';
  const fallbackUrl = parseFallbackUrl(env.LINKPULSE_FALLBACK_URL);
  const excludedIps = parseAddresses('LINKPULSE_EXCLUDED_IPS', env.LINKPULSE_EXCLUDED_IPS);
  const noTrackParam = nonEmpty('LINKPULSE_NO_TRACK_PARAM', env.LINKPULSE_NO_TRACK_PARAM);
  if (noTrackParam !== undefined && !/^[\w.~-]{1,100}$/.test(noTrackParam)) {
    throw new ConfigError('LINKPULSE_NO_TRACK_PARAM', `must be a query parameter name of letters, digits, _ . ~ - (got "${noTrackParam}")`);
  }
  const retentionIpDays = parseDays('LINKPULSE_RETENTION_IP_DAYS', env.LINKPULSE_RETENTION_IP_DAYS);
  const retentionClickDays = parseDays('LINKPULSE_RETENTION_CLICK_DAYS', env.LINKPULSE_RETENTION_CLICK_DAYS);
  const trackOrphans = parseBoolean('LINKPULSE_TRACK_ORPHANS', env.LINKPULSE_TRACK_ORPHANS) ?? true;
  return Object.freeze({
    port, host, databaseUrl, baseUrl, adminKey, ipStorage, trustProxy, geoipDb, logLevel, fallbackUrl, excludedIps, noTrackParam, retentionIpDays,
    retentionClickDays,
    trackOrphans,
  });
}

// An IP address, or a host name of letters, digits, dots and hyphens.
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function parseHost(value: string | undefined): string {
  const host = nonEmpty('HOST', value) ?? '127.0.0.1';
  if (isIP(host) === 0 && !HOST_NAME.test(host)) throw new ConfigError('HOST', `must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0 (got "${host}")`);
  return host;
}

function nonEmpty(variable: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new ConfigError(variable, 'must not be empty');
  return value.trim();
}

function oneOf<T extends string>(variable: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(variable, `must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new ConfigError('PORT', `must be a port number 0-65535 (got "${value}")`);
  return port;
}

function parseDatabaseUrl(value: string | undefined): string {
  if (value === undefined) return 'sqlite:./data/linkpulse.db';
  if (/^sqlite:.+/.test(value)) return value;
  if (/^postgres(ql)?:\/\/.+/.test(value)) {
    try {
      new URL(value);
      return value;
    } catch {
      throw new ConfigError('LINKPULSE_DATABASE_URL', 'is not a valid postgres:// URL, e.g. postgres://user:password@host:5432/database');
    }
  }
  throw new ConfigError('LINKPULSE_DATABASE_URL', `must be sqlite:<path> or postgres://… (got "${value.replace(/\/\/[^@/]*@/, '//***@')}")`);
}

function parseBaseUrl(value: string | undefined, port: number): string {
  if (value === undefined) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('LINKPULSE_BASE_URL', `must be an absolute URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('LINKPULSE_BASE_URL', `must be an http or https URL (got "${value}")`);
  if (url.search !== '' || url.hash !== '') throw new ConfigError('LINKPULSE_BASE_URL', 'must not have a query or fragment');
  if (url.username !== '' || url.password !== '') throw new ConfigError('LINKPULSE_BASE_URL', 'must not contain user:password@');
  return url.href.replace(/\/+$/, '');
}

function parseBoolean(variable: string, value: string | undefined): boolean | undefined {
  const text = nonEmpty(variable, value)?.toLowerCase();
  if (text === undefined) return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new ConfigError(variable, `must be true or false (got "${value?.trim()}")`);
}

function parseDays(variable: string, value: string | undefined): number | undefined {
  const text = nonEmpty(variable, value);
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1) throw new ConfigError(variable, `must be a whole number of days, at least 1 (got "${text}")`);
  return Number(text);
}

function parseFallbackUrl(value: string | undefined): string | undefined {
  const text = nonEmpty('LINKPULSE_FALLBACK_URL', value);
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // refused below
  }
  throw new ConfigError('LINKPULSE_FALLBACK_URL', `must be an absolute http or https URL (got "${text}")`);
}

/** A comma list of IP addresses and CIDRs. */
function parseAddresses(variable: string, value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const wrong = entries.find((entry) => !isAddressOrCidr(entry));
  if (wrong !== undefined) throw new ConfigError(variable, `"${wrong}" is not an IP address or a CIDR such as 10.0.0.0/8`);
  return entries;
}

function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) {
    const hops = Number(value);
    if (hops < 1 || hops > 100) throw new ConfigError('LINKPULSE_TRUST_PROXY', `a hop count must be 1-100 (got ${value.trim()})`);
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    if (!(NAMED_PROXIES.includes(entry) || isAddressOrCidr(entry))) {
      throw new ConfigError('LINKPULSE_TRUST_PROXY', `"${entry}" is not a hop count, loopback, linklocal, uniquelocal, an IP or a CIDR`);
    }
  }
  return entries;
}

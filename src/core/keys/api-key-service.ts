import { unprintableProblem } from '../shared/text.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors.js';
import { randomBase62 } from '../shared/random-text.js';
import { ROLES, type ApiKey, type ApiKeyStore, type Role } from './api-key.js';

const TOKEN = /^lp_([0-9A-Za-z]{12})_([0-9A-Za-z]{40})$/;
const TOUCH_EVERY_MS = 60_000;
/** The principal of the admin key configured in LINKPULSE_ADMIN_KEY. */
const ENV_KEY_ID = 'env';

export interface Principal {
  readonly keyId: string;
  readonly role: Role;
}

/** API keys: `lp_<id>_<secret>`; we keep the id and a hash of the secret, and show the secret once. */
export class ApiKeyService {
  private readonly bootstrapHash: Buffer | undefined;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly clock: Clock,
    /** LINKPULSE_ADMIN_KEY: an admin key configured outside the database. */
    bootstrapAdminKey?: string,
  ) {
    this.bootstrapHash = bootstrapAdminKey === undefined ? undefined : sha256(bootstrapAdminKey);
  }

  async create(name: string, role: string): Promise<{ key: ApiKey; secret: string }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 100) throw ValidationError.field('name', 'must be 1-100 characters');
    const unprintable = unprintableProblem(trimmed);
    if (unprintable !== undefined) throw ValidationError.field('name', unprintable);
    if (!(ROLES as readonly string[]).includes(role)) throw ValidationError.field('role', 'must be admin or viewer');
    const id = randomBase62(12);
    const secret = `lp_${id}_${randomBase62(40)}`;
    const key: ApiKey = { id, name: trimmed, role: role as Role, createdAt: this.clock.now(), lastUsedAt: null };
    await this.keys.insert({ ...key, secretHash: sha256(secret).toString('hex') });
    return { key, secret };
  }

  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.keys.delete(id))) throw new NotFoundError(`No API key has the id "${id}"`);
  }

  /** On a first start with no key at all and none configured: make one admin key to print once. */
  async bootstrap(): Promise<string | undefined> {
    if (this.bootstrapHash !== undefined || (await this.keys.count()) > 0) return undefined;
    return (await this.create('initial admin', 'admin')).secret;
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new UnauthorizedError('An API key is required: Authorization: Bearer <key>');
    const hash = sha256(token);
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) return { keyId: ENV_KEY_ID, role: 'admin' };
    const match = TOKEN.exec(token);
    const stored = match?.[1] === undefined ? undefined : await this.keys.findById(match[1]);
    if (!stored || !timingSafeEqual(hash, Buffer.from(stored.secretHash, 'hex'))) {
      throw new UnauthorizedError('The API key is not valid');
    }
    const now = this.clock.now();
    if (stored.lastUsedAt === null || now - stored.lastUsedAt > TOUCH_EVERY_MS) await this.keys.touch(stored.id, now);
    return { keyId: stored.id, role: stored.role };
  }

  /**
   * What a dashboard session records as its key: the key's id, or for the configured admin key a
   * fingerprint of it, so that changing LINKPULSE_ADMIN_KEY ends the sessions it opened.
   */
  sessionKeyId(principal: Principal, token: string): string {
    return principal.keyId === ENV_KEY_ID ? `${ENV_KEY_ID}:${fingerprint(token)}` : principal.keyId;
  }

  /** Who a session is, or undefined when the configured admin key it was opened with has changed. */
  sessionPrincipal(keyId: string, role: Role): Principal | undefined {
    if (!keyId.startsWith(`${ENV_KEY_ID}:`)) return { keyId, role };
    const current = this.bootstrapHash === undefined ? undefined : `${ENV_KEY_ID}:${fingerprintOf(this.bootstrapHash)}`;
    return keyId === current ? { keyId: ENV_KEY_ID, role: 'admin' } : undefined;
  }

  static require(principal: Principal, role: Role): void {
    if (role === 'admin' && principal.role !== 'admin') throw new ForbiddenError('This needs an admin key');
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Names a key without revealing it: a hash of its hash, shortened. */
function fingerprintOf(keyHash: Buffer): string {
  return createHash('sha256').update(keyHash).digest('hex').slice(0, 16);
}

function fingerprint(token: string): string {
  return fingerprintOf(sha256(token));
}

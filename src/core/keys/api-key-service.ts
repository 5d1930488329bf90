import { unprintableProblem } from '../shared/text.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors.js';
import { randomBase62 } from '../shared/random-text.js';
import { ROLES, type ApiKey, type ApiKeyStore, type Role } from './api-key.js';

const TOKEN = /^lp_([0-9A-Za-z]{12})_([0-9A-Za-z]{40})$/;
const TOUCH_EVERY_MS = 60_000;

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
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) return { keyId: 'env', role: 'admin' };
    const match = TOKEN.exec(token);
    const stored = match?.[1] === undefined ? undefined : await this.keys.findById(match[1]);
    if (!stored || !timingSafeEqual(hash, Buffer.from(stored.secretHash, 'hex'))) {
      throw new UnauthorizedError('The API key is not valid');
    }
    const now = this.clock.now();
    if (stored.lastUsedAt === null || now - stored.lastUsedAt > TOUCH_EVERY_MS) await this.keys.touch(stored.id, now);
    return { keyId: stored.id, role: stored.role };
  }

  static require(principal: Principal, role: Role): void {
    if (role === 'admin' && principal.role !== 'admin') throw new ForbiddenError('This needs an admin key');
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

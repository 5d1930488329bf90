import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { UnauthorizedError } from '../shared/errors.js';
import { randomBase62 } from '../shared/random-text.js';
import type { ApiKeyService, Principal } from './api-key-service.js';
import type { SessionStore } from './session.js';

export const SESSION_DAYS = 30;
const SESSION_MS = SESSION_DAYS * 86_400_000;
const ID = /^[0-9A-Za-z]{43}$/;

/**
 * Dashboard sessions: signing in with an API key gives the browser a random session id, never the
 * key. Signing out ends the session; revoking the key ends its sessions (the key store deletes them).
 */
export class SessionService {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
  ) {}

  /** Checks the key; answers a new session's id (for the cookie) and who it is. */
  async signIn(token: string): Promise<{ id: string; principal: Principal }> {
    const principal = await this.keys.authenticate(token);
    const now = this.clock.now();
    await this.sessions.deleteExpired(now);
    const id = randomBase62(43);
    await this.sessions.insert({ idHash: hash(id), keyId: this.keys.sessionKeyId(principal, token), role: principal.role, createdAt: now, expiresAt: now + SESSION_MS });
    return { id, principal };
  }

  async principal(id: string | undefined): Promise<Principal> {
    const session = id !== undefined && ID.test(id) ? await this.sessions.find(hash(id), this.clock.now()) : undefined;
    const principal = session && this.keys.sessionPrincipal(session.keyId, session.role);
    if (!principal) throw new UnauthorizedError('Not signed in, or the session has ended: sign in again');
    return principal;
  }

  async signOut(id: string | undefined): Promise<void> {
    if (id !== undefined && ID.test(id)) await this.sessions.delete(hash(id));
  }
}

function hash(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

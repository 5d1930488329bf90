import type { Role } from './api-key.js';

/** A dashboard sign-in: the browser holds a random id; we keep its hash and the key it signed in with. */
export interface StoredSession {
  /** SHA-256 of the session id, hex. The id itself is never stored. */
  readonly idHash: string;
  /** The API key's id, or `env:<fingerprint>` for the configured admin key. */
  readonly keyId: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface SessionStore {
  insert(session: StoredSession): Promise<void>;
  /** The session with this hash, if it has not expired by `now`. */
  find(idHash: string, now: number): Promise<StoredSession | undefined>;
  delete(idHash: string): Promise<void>;
  deleteExpired(now: number): Promise<void>;
}

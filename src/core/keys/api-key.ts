export const ROLES = ['admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface StoredApiKey extends ApiKey {
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  readonly secretHash: string;
}

export interface ApiKeyStore {
  insert(key: StoredApiKey): Promise<void>;
  findById(id: string): Promise<StoredApiKey | undefined>;
  list(): Promise<ApiKey[]>;
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
  touch(id: string, at: number): Promise<void>;
}

/** A read-only, public view of one link's report, opened by an unguessable id instead of a key. */
export interface Share {
  readonly id: string;
  readonly linkId: number;
  /** The shared link's code (it follows the link; a share dies with its link). */
  readonly code: string;
  /** The shared link's domain ('' the default). */
  readonly domain: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

export type NewShare = Omit<Share, 'code' | 'domain'>;

/** Storage port for shares. */
export interface ShareStore {
  insert(share: NewShare): Promise<void>;
  find(id: string): Promise<Share | undefined>;
  /** Every share, newest first; of one link when `linkId` is given. */
  list(linkId?: number): Promise<Share[]>;
  delete(id: string): Promise<boolean>;
}

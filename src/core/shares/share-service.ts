import type { Clock } from '../shared/clock.js';
import { NotFoundError } from '../shared/errors.js';
import { FieldErrors } from '../shared/field-errors.js';
import { randomBase62 } from '../shared/random-text.js';
import { Signal } from '../shared/signal.js';
import { checkExpiry } from '../links/link-input.js';
import type { LinkService } from '../links/link-service.js';
import type { LinkKey } from '../links/link-key.js';
import type { Share, ShareStore } from './share.js';

/** 32 base62 characters: about 190 random bits, far past guessing. */
const ID_LENGTH = 32;
const ID = /^[0-9A-Za-z]{32}$/;
const GONE = 'No such share: it never existed, was revoked or has expired';

export class ShareService {
  /** A share's id, the moment it is revoked (open share streams on this node end). */
  readonly revoked = new Signal<string>();

  constructor(
    private readonly shares: ShareStore,
    private readonly links: LinkService,
    private readonly clock: Clock,
  ) {}

  async create(key: LinkKey, input: { readonly expiresAt?: string | null | undefined }): Promise<Share> {
    const errors = new FieldErrors();
    const now = this.clock.now();
    const expiresAt = checkExpiry(input.expiresAt ?? null, now, errors, true);
    errors.throwIfAny();
    const link = await this.links.find(key);
    const share = { id: randomBase62(ID_LENGTH), linkId: link.id, createdAt: now, expiresAt };
    await this.shares.insert(share);
    return { ...share, code: link.code, domain: link.domain };
  }

  /** Every share (expired ones too, so they can be seen and removed), or those of one link. */
  async list(key?: LinkKey): Promise<Share[]> {
    return this.shares.list(key === undefined ? undefined : (await this.links.find(key)).id);
  }

  async revoke(id: string): Promise<void> {
    if (!ID.test(id) || !(await this.shares.delete(id))) throw new NotFoundError(GONE);
    this.revoked.emit(id);
  }

  /** The share behind a public URL: a 404 for an unknown, revoked or expired one, all alike. */
  async open(id: string): Promise<Share> {
    const share = ID.test(id) ? await this.shares.find(id) : undefined;
    if (!share || !isOpen(share, this.clock.now())) throw new NotFoundError(GONE);
    return share;
  }
}

export function isOpen(share: Share, now: number): boolean {
  return share.expiresAt === null || share.expiresAt > now;
}

import type { Clock } from '../shared/clock.js';
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../shared/errors.js';
import { FieldErrors } from '../shared/field-errors.js';
import { decodeCursor, pageOf, type Page } from '../shared/page.js';
import { assertValidCustomCode, generateCode, isPossibleCode, isReservedCode } from './code-rules.js';
import { Repeating } from '../shared/repeating.js';
import { LinkCache } from './link-cache.js';
import type { DomainService } from './domain-service.js';
import { describeKey, keyText, parseKeyText, type LinkKey } from './link-key.js';
import type { LinkChangeFeed } from './link-change-feed.js';
import { redirectRefusal, type Link, type LinkChanges } from './link.js';
import {
  checkExpiry, checkMaxClicks, checkPassword, checkPreview, checkRedirectType, checkTags, checkTitle,
  type CreateLinkInput, type UpdateLinkInput,
} from './link-input.js';
import type { LinkPageQuery, LinkSort, LinkStore, TagSummary } from './link-store.js';
import { hashPassword } from './password.js';
import { canonicalTargetUrl } from './url-rules.js';
import { withUtm } from './utm.js';
import { checkRules, checkVariants } from './targeting-input.js';

const GENERATE_ATTEMPTS = 8;
// A change is stamped by its writer's clock and becomes visible at its commit: sweeps look back
// this much further than their last run, for clock skew between nodes and slow commits.
const SWEEP_OVERLAP_MS = 10_000;
// More changes than this at once: drop the whole cache rather than read them all.
const SWEEP_LIMIT = 1000;

export interface LinkListRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly search?: string | undefined;
  readonly tag?: string | undefined;
  readonly sort?: LinkSort | undefined;
  /** Links on this host only; none: every domain. */
  readonly domain?: string | undefined;
}

/** Where an imported link comes from. */
export interface LinkOrigin {
  /** Epoch ms. */
  readonly createdAt?: number | undefined;
}

function creationTime(origin: LinkOrigin, now: number): number {
  const at = origin.createdAt;
  return at !== undefined && Number.isFinite(at) && at >= 0 && at <= now ? Math.trunc(at) : now;
}

/** Creating, reading, changing and resolving links: the rules live here, storage behind a port. */
export class LinkService {
  private readonly cache: LinkCache;
  private lastSweep: number | undefined;
  private readonly sweeps = new Repeating(() => this.sweepChanges());

  constructor(
    private readonly links: LinkStore,
    /** Which hosts links may live on. */
    private readonly domains: DomainService,
    private readonly clock: Clock,
    /** host[:port] values this service answers on, lowercased: targets there would loop. */
    private readonly ownHosts: readonly string[],
    private readonly changes?: LinkChangeFeed,
    /** Where a link that may not redirect sends visitors when it names no fallback of its own. */
    private readonly fallbackUrl: string | null = null,
  ) {
    this.cache = new LinkCache(clock);
    changes?.subscribe((text) => this.cache.evict(parseKeyText(text)));
  }

  /**
   * `origin` is for imports only (never a client's input): the time the link was created where it
   * comes from, kept as its creation time when it is not in the future.
   */
  async create(input: CreateLinkInput, origin: LinkOrigin = {}): Promise<Link> {
    const now = this.clock.now();
    const errors = new FieldErrors();
    const checked = errors.attempt(() => canonicalTargetUrl(input.url, this.ownHostsNow()));
    const utm = input.utm;
    const url = checked === undefined || utm === undefined ? checked : errors.attempt(() => canonicalTargetUrl(withUtm(checked, utm, errors), this.ownHostsNow()));
    if (input.code !== undefined) errors.attempt(() => assertValidCustomCode(input.code as string));
    const title = checkTitle(input.title ?? null, errors);
    const tags = checkTags(input.tags ?? [], errors);
    const expiresAt = checkExpiry(input.expiresAt ?? null, now, errors, true);
    const maxClicks = checkMaxClicks(input.maxClicks ?? null, errors);
    const redirectType = checkRedirectType(input.redirectType ?? 302, errors);
    const password = input.password == null ? null : checkPassword(input.password, errors);
    const checkUrl = this.checkUrl(errors);
    const fallbackUrl = input.fallbackUrl == null ? null : checkUrl(input.fallbackUrl, 'fallbackUrl');
    const preview = checkPreview(input.preview ?? null, errors, (image) => checkUrl(image, 'preview.image'));
    const rules = checkRules(input.rules ?? [], errors, checkUrl);
    const variants = checkVariants(input.variants ?? [], errors, checkUrl);
    const domain = await errors.attemptAsync(() => this.domains.existing(input.domain));
    errors.throwIfAny();

    const base = {
      domain: domain as string, url: url as string, title, tags, createdAt: creationTime(origin, now), updatedAt: now, expiresAt, maxClicks, redirectType,
      disabled: false, passwordHash: password === null ? null : await hashPassword(password),
      fallbackUrl: fallbackUrl ?? null, track: input.track ?? true, preview, rules, variants,
    };
    if (input.code !== undefined) {
      const created = await this.links.insert({ ...base, code: input.code });
      if (created === 'code-taken') throw new ConflictError(`The code "${input.code}" is taken${domain === '' ? '' : ` on ${domain}`}`, 'code');
      return created;
    }
    // Collisions are rare (62^7 codes); retry a few times before giving up.
    for (let attempt = 0; attempt < GENERATE_ATTEMPTS; attempt++) {
      const created = await this.links.insert({ ...base, code: generateCode() });
      if (created !== 'code-taken') return created;
    }
    throw new ConflictError('Could not find a free code; try again', 'code');
  }

  /** The link with its exact click count, to show it. */
  async get(key: LinkKey): Promise<Link> {
    const [link] = await this.withExactClicks([await this.find(key)]);
    return link as Link;
  }

  /** The link as stored (its click count lags, see LinkStore.exactClicks): enough to find its clicks. */
  async find(key: LinkKey): Promise<Link> {
    const link = isPossibleCode(key.code) ? await this.links.find(key) : undefined;
    if (!link) throw new NotFoundError(`No link has the code ${describeKey(key)}`);
    return link;
  }

  /** Stored counts lag behind by the clicks of the last second or so (see LinkStore.exactClicks). */
  private async withExactClicks(links: readonly Link[]): Promise<Link[]> {
    const exact = await this.links.exactClicks(links.map((l) => l.id));
    return links.map((l) => ({ ...l, clicks: exact.get(l.id) ?? l.clicks }));
  }

  async list(request: LinkListRequest): Promise<Page<Link>> {
    const sort = request.sort ?? 'created';
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (request.cursor !== undefined && after === undefined) throw ValidationError.field('cursor', 'is not a cursor this API gave out');
    const search = request.search?.trim() || undefined;
    const domain = request.domain === undefined ? undefined : this.domains.storedDomain(request.domain);
    const rows = await this.links.list({ limit: request.limit + 1, sort, after, search, tag: request.tag, ...(domain !== undefined && { domain }) });
    // The cursor holds the stored count, the one the links are sorted by.
    const page = pageOf(rows, request.limit, (last) => ({ value: sort === 'clicks' ? last.clicks : last.createdAt, id: last.id }));
    return { ...page, items: await this.withExactClicks(page.items) };
  }

  /** A numbered page of links with exact click counts, and how many links match in all. */
  async listPage(query: LinkPageQuery): Promise<{ items: Link[]; total: number }> {
    const page = await this.links.listPage({ ...query, search: query.search?.trim() || undefined });
    return { items: await this.withExactClicks(page.items), total: page.total };
  }

  /** The links' exact bot clicks (each link's `clicks` minus them: its human clicks). */
  botClicks(links: readonly Link[]): Promise<Map<number, number>> {
    return this.links.exactBotClicks(links.map((l) => l.id));
  }

  /** Every tag with its links and their clicks. */
  tagSummaries(): Promise<TagSummary[]> {
    return this.links.tagSummaries();
  }

  async update(key: LinkKey, input: UpdateLinkInput): Promise<Link> {
    await this.find(key);
    const now = this.clock.now();
    const errors = new FieldErrors();
    const changes: { -readonly [K in keyof LinkChanges]: LinkChanges[K] } = { updatedAt: now };
    if (input.url !== undefined) changes.url = errors.attempt(() => canonicalTargetUrl(input.url as string, this.ownHostsNow()));
    if (input.title !== undefined) changes.title = checkTitle(input.title, errors);
    if (input.tags !== undefined) changes.tags = checkTags(input.tags, errors);
    if (input.expiresAt !== undefined) changes.expiresAt = checkExpiry(input.expiresAt, now, errors, false);
    if (input.maxClicks !== undefined) changes.maxClicks = checkMaxClicks(input.maxClicks, errors);
    if (input.redirectType !== undefined) changes.redirectType = checkRedirectType(input.redirectType, errors);
    if (input.disabled !== undefined) changes.disabled = input.disabled;
    if (input.track !== undefined) changes.track = input.track;
    const checkUrl = this.checkUrl(errors);
    if (input.rules !== undefined) changes.rules = checkRules(input.rules, errors, checkUrl);
    if (input.variants !== undefined) changes.variants = checkVariants(input.variants, errors, checkUrl);
    if (input.preview !== undefined) changes.preview = checkPreview(input.preview, errors, (image) => checkUrl(image, 'preview.image'));
    if (input.fallbackUrl !== undefined) changes.fallbackUrl = input.fallbackUrl === null ? null : checkUrl(input.fallbackUrl, 'fallbackUrl') ?? null;
    const password = input.password == null ? input.password : checkPassword(input.password, errors);
    errors.throwIfAny();
    if (password !== undefined) changes.passwordHash = password === null ? null : await hashPassword(password);
    const updated = await this.links.update(key, changes);
    this.forget(key);
    if (!updated) throw new NotFoundError(`No link has the code ${describeKey(key)}`);
    return (await this.withExactClicks([updated]))[0] as Link;
  }

  async delete(key: LinkKey): Promise<void> {
    const deleted = isPossibleCode(key.code) && (await this.links.delete(key, this.clock.now()));
    this.forget(key);
    if (!deleted) throw new NotFoundError(`No link has the code ${describeKey(key)}`);
  }

  /**
   * Drops the cached links changed since the last sweep, by any node or process sharing the
   * database (notifications between nodes are quicker, but can be missed; a CLI sends none).
   */
  async sweepChanges(): Promise<void> {
    const now = this.clock.now();
    const keys = await this.links.changedSince((this.lastSweep ?? now) - SWEEP_OVERLAP_MS, SWEEP_LIMIT + 1);
    if (keys.length > SWEEP_LIMIT) this.cache.clear();
    else for (const key of keys) this.cache.evict(key);
    this.lastSweep = now;
  }

  /** Sweeps every `everyMs` until stopSweeping; one sweep at a time. */
  startSweeping(everyMs: number, onError: (error: unknown) => void): void {
    this.sweeps.start(everyMs, onError);
  }

  async stopSweeping(): Promise<void> {
    await this.sweeps.stop();
  }

  private forget(key: LinkKey): void {
    this.cache.evict(key);
    this.changes?.announce(keyText(key));
  }

  /** The link a redirect should follow, or why it must not. */
  async resolve(key: LinkKey): Promise<Link> {
    // Paths the service owns (/healthz, /api…) are never links, whatever the database holds.
    if (isReservedCode(key.code)) throw new NotFoundError(`"${key.code}" is not a link`);
    let link = this.cache.get(key);
    if (!link) {
      // The stored count is enough here: a link out of budget is refused again when its click is stored.
      link = await this.find(key);
      this.cache.set(link);
    }
    const refusal = redirectRefusal(link, this.clock.now());
    if (refusal) throw new GoneError(`The link ${describeKey(key)} is ${refusal}`, this.fallbackFor(link));
    return link;
  }

  /** Checks a URL visitors are sent to (a fallback, a rule's, a variant's, a preview image) as a link's own, naming `field`. */
  private checkUrl(errors: FieldErrors): (url: string, field: string) => string | undefined {
    const hosts = this.ownHostsNow();
    return (url, field) => errors.attempt(() => canonicalTargetUrl(url, hosts, field));
  }

  /** The hosts that reach this service: its own and every registered domain's. */
  private ownHostsNow(): readonly string[] {
    return [...this.ownHosts, ...this.domains.registeredHosts()];
  }

  /** Where a link that may not redirect sends visitors: its own fallback, else the default, else nowhere. */
  fallbackFor(link: Link): string | null {
    return link.fallbackUrl ?? this.fallbackUrl;
  }
}

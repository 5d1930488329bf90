import type { Clock } from '../shared/clock.js';
import { Repeating } from '../shared/repeating.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { FieldErrors } from '../shared/field-errors.js';
import { canonicalHost, hostName, isDomainHost, type Domain, type DomainEntry, type DomainStore } from './domain.js';
import { DEFAULT_DOMAIN, hostOfDomain, linkKey, type LinkKey } from './link-key.js';
import { canonicalTargetUrl } from './url-rules.js';

export interface DomainRedirectsInput {
  readonly baseUrlRedirect?: string | null | undefined;
  readonly notFoundRedirect?: string | null | undefined;
}

export interface CreateDomainInput extends DomainRedirectsInput {
  readonly host: string;
}

/** What a request's host answers with: its links' domain and its own redirects. */
export interface HostAnswer {
  readonly domain: string;
  readonly baseUrlRedirect: string | null;
  readonly notFoundRedirect: string | null;
}

/** The default domain's answer until redirects are set for it. */
const NO_REDIRECTS: HostAnswer = { domain: DEFAULT_DOMAIN, baseUrlRedirect: null, notFoundRedirect: null };

const HOST_MESSAGE = 'must be a DNS name such as go.example.com (kept lowercase), optionally with a port (go.example.com:8080)';

/**
 * The hosts links live on. The default domain is the base URL's host (links store it as ''); others are
 * registered. Redirects find a request's domain in memory: the list is loaded at start, after each change
 * here, and every second (changes by other nodes and the CLI).
 */
export class DomainService {
  /** What each registered host answers, by host. */
  private byHost = new Map<string, HostAnswer>();
  private defaultAnswer = NO_REDIRECTS;
  private readonly refreshes = new Repeating(() => this.refresh());

  constructor(
    private readonly store: DomainStore,
    private readonly clock: Clock,
    /** The base URL's host, lowercase. */
    readonly defaultHost: string,
    /** Targets there would loop (see canonicalTargetUrl). */
    private readonly ownHosts: readonly string[],
  ) {}

  /** Every domain, the default first. */
  async list(): Promise<DomainEntry[]> {
    const stored = await this.store.list();
    const own = stored.find((d) => d.host === DEFAULT_DOMAIN);
    return [
      { host: this.defaultHost, baseUrlRedirect: own?.baseUrlRedirect ?? null, notFoundRedirect: own?.notFoundRedirect ?? null, isDefault: true },
      ...stored.filter((d) => d.host !== DEFAULT_DOMAIN).map((d) => entryOf(d)),
    ];
  }

  async create(input: CreateDomainInput): Promise<DomainEntry> {
    const errors = new FieldErrors();
    const host = canonicalHost(input.host);
    if (!isDomainHost(host)) errors.add('host', `${HOST_MESSAGE} (got "${input.host}")`);
    const baseUrlRedirect = this.redirect(input.baseUrlRedirect, 'baseUrlRedirect', errors) ?? null;
    const notFoundRedirect = this.redirect(input.notFoundRedirect, 'notFoundRedirect', errors) ?? null;
    errors.throwIfAny();
    if (host === this.defaultHost) throw new ConflictError(`${host} is the default domain (the base URL's host)`, 'host');
    const created = await this.store.insert({ host, baseUrlRedirect, notFoundRedirect, createdAt: this.clock.now() });
    if (created === 'host-taken') throw new ConflictError(`The domain ${host} exists already`, 'host');
    await this.refresh();
    return entryOf(created);
  }

  /**
   * Changes a domain's redirects (the default domain's too): a field given replaces the redirect, null
   * removes it, a field left out keeps it.
   */
  async updateRedirects(hostText: string, input: DomainRedirectsInput): Promise<DomainEntry> {
    const host = canonicalHost(hostText);
    const errors = new FieldErrors();
    const baseUrlRedirect = this.redirect(input.baseUrlRedirect, 'baseUrlRedirect', errors);
    const notFoundRedirect = this.redirect(input.notFoundRedirect, 'notFoundRedirect', errors);
    errors.throwIfAny();
    const stored = host === this.defaultHost ? DEFAULT_DOMAIN : host;
    const current = (await this.store.find(stored))
      ?? (stored === DEFAULT_DOMAIN ? { host: DEFAULT_DOMAIN, baseUrlRedirect: null, notFoundRedirect: null, createdAt: this.clock.now() } : undefined);
    if (!current) throw new NotFoundError(`No domain ${host}`);
    const next = { ...current, baseUrlRedirect: baseUrlRedirect === undefined ? current.baseUrlRedirect : baseUrlRedirect,
      notFoundRedirect: notFoundRedirect === undefined ? current.notFoundRedirect : notFoundRedirect };
    await this.store.save(next);
    await this.refresh();
    return { ...entryOf(next), host: this.hostOf(next.host), isDefault: stored === DEFAULT_DOMAIN };
  }

  /** A redirect a client gave: undefined when not given, null to remove it, else the checked URL. */
  private redirect(url: string | null | undefined, field: string, errors: FieldErrors): string | null | undefined {
    if (url === undefined || url === null) return url;
    return errors.attempt(() => canonicalTargetUrl(url, this.ownHosts, field)) ?? null;
  }

  async delete(hostText: string): Promise<void> {
    const host = canonicalHost(hostText);
    if (host === this.defaultHost) throw new ConflictError(`${host} is the default domain; it cannot be deleted`, 'host');
    const outcome = await this.store.delete(host);
    if (outcome === 'missing') throw new NotFoundError(`No domain ${host}`);
    if (outcome === 'has-links') throw new ConflictError(`Links still live on ${host}: delete them first`, 'host');
    await this.refresh();
  }

  /**
   * How links store a domain a client names (`?domain=`, a link's `domain`): '' for the default domain
   * (none named, or the base URL's host), else the canonical host. A malformed host is a ValidationError
   * naming `field`; whether it is registered is not checked (see `existing`).
   */
  storedDomain(host: string | undefined, field = 'domain'): string {
    if (host === undefined || host.trim() === '') return DEFAULT_DOMAIN;
    const canonical = canonicalHost(host);
    if (canonical === this.defaultHost) return DEFAULT_DOMAIN;
    if (!isDomainHost(canonical)) throw ValidationError.field(field, `${HOST_MESSAGE} (got "${host}")`);
    return canonical;
  }

  /** A link's key from a client's code and domain. */
  key(code: string, host?: string): LinkKey {
    return linkKey(code, this.storedDomain(host));
  }

  /** The stored domain of a host a link is created on, refused (naming `field`) when it is not registered. */
  async existing(host: string | undefined, field = 'domain'): Promise<string> {
    const domain = this.storedDomain(host, field);
    if (domain !== DEFAULT_DOMAIN && (await this.store.find(domain)) === undefined) {
      throw ValidationError.field(field, `"${host}" is not a domain of this service: add it first (POST /api/domains)`);
    }
    return domain;
  }

  /** The host a stored domain stands for. */
  hostOf(domain: string): string {
    return hostOfDomain(domain, this.defaultHost);
  }

  /**
   * A request's domain, by its Host header: lowercased, trailing dot dropped; the host with its port
   * if that was registered, else the host without its port, else the default domain. No database read.
   */
  forRequestHost(header: string | undefined): HostAnswer {
    if (header === undefined || this.byHost.size === 0) return this.defaultAnswer;
    const host = canonicalHost(header);
    if (host === this.defaultHost) return this.defaultAnswer;
    return this.byHost.get(host) ?? this.byHost.get(hostName(host)) ?? this.defaultAnswer;
  }

  /** The registered hosts, as this node last read them. */
  registeredHosts(): string[] {
    return [...this.byHost.keys()];
  }

  /** Reloads the registered domains. */
  async refresh(): Promise<void> {
    const domains = await this.store.list();
    const answers = new Map(domains.map((d) => [d.host, { domain: d.host, baseUrlRedirect: d.baseUrlRedirect, notFoundRedirect: d.notFoundRedirect }]));
    this.defaultAnswer = answers.get(DEFAULT_DOMAIN) ?? NO_REDIRECTS;
    answers.delete(DEFAULT_DOMAIN);
    this.byHost = answers;
  }

  /** Refreshes every `everyMs` until stopRefreshing; one refresh at a time. */
  startRefreshing(everyMs: number, onError: (error: unknown) => void): void {
    this.refreshes.start(everyMs, onError);
  }

  async stopRefreshing(): Promise<void> {
    await this.refreshes.stop();
  }
}

function entryOf(domain: Domain): DomainEntry {
  return { host: domain.host, baseUrlRedirect: domain.baseUrlRedirect, notFoundRedirect: domain.notFoundRedirect, isDefault: false };
}

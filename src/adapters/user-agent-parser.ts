import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';
import { UAParser } from 'ua-parser-js';
import type { Device } from '../core/clicks/click.js';
import type { UserAgentInfo, UserAgentParser } from '../core/clicks/enrichment.js';

const DESKTOP_OS = /^(windows|mac os|macos|linux|ubuntu|debian|fedora|chrom(e|ium) os|freebsd|openbsd|netbsd|solaris|mint|arch|gentoo|suse|red ?hat|centos)/i;

/**
 * ua-parser-js 1.x (MIT) for browser/OS/device and isbot for crawlers.
 * Parses are cached by UA string: real traffic repeats a few thousand agents.
 */
export class CachedUserAgentParser implements UserAgentParser {
  private readonly cache: LRUCache<string, UserAgentInfo>;

  constructor(maxEntries = 10_000) {
    this.cache = new LRUCache({ max: maxEntries });
  }

  parse(userAgent: string): UserAgentInfo {
    let info = this.cache.get(userAgent);
    if (!info) {
      info = parseUserAgent(userAgent);
      this.cache.set(userAgent, info);
    }
    return info;
  }
}

export function parseUserAgent(userAgent: string): UserAgentInfo {
  if (userAgent === '') return { browser: null, os: null, device: 'other', bot: false };
  const result = new UAParser(userAgent).getResult();
  const bot = isbot(userAgent);
  const os = result.os.name ?? null;
  return {
    browser: result.browser.name ?? null,
    os,
    device: bot ? 'bot' : deviceOf(result.device.type, os),
    bot,
  };
}

function deviceOf(type: string | undefined, os: string | null): Device {
  if (type === 'mobile' || type === 'wearable') return 'mobile';
  if (type === 'tablet') return 'tablet';
  if (type === undefined && os !== null && DESKTOP_OS.test(os)) return 'desktop';
  return 'other';
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What every load generator sends (beside its links and a random client IP per request), one value a line. */
export interface TrafficFiles {
  readonly codes: string;
  readonly agents: string;
  /** An empty line: no Referer header. */
  readonly referrers: string;
  /** An empty line: no Accept-Language header. */
  readonly languages: string;
}

const PLATFORMS = [
  'Windows NT 10.0; Win64; x64', 'Macintosh; Intel Mac OS X 10_15_7', 'X11; Linux x86_64',
  'Linux; Android 14; Pixel 8', 'Linux; Android 13; SM-S911B', 'iPad; CPU OS 17_4 like Mac OS X',
];
const REFERRERS = ['https://www.google.com/', 'https://t.co/x1', 'https://news.ycombinator.com/item?id=1',
  'https://www.reddit.com/r/programming/', 'https://www.linkedin.com/feed/', 'https://duckduckgo.com/', ''];
const LANGUAGES = ['en-US,en;q=0.9', 'de-DE,de;q=0.9,en;q=0.8', 'fr-FR,fr;q=0.9', 'es-ES,es;q=0.9',
  'ja-JP,ja;q=0.9', 'pt-BR,pt;q=0.9', 'zh-CN,zh;q=0.9', ''];

/** Over 1 000 distinct user agents, so no cache of parsed agents can flatter the figures; two of them bots. */
function userAgents(): string[] {
  const agents: string[] = [];
  for (const platform of PLATFORMS) {
    for (let major = 90; major <= 139; major++) {
      for (let build = 0; build <= 3; build++) {
        agents.push(`Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.${4000 + major}.${build} Safari/537.36`);
      }
    }
  }
  for (let major = 100; major <= 135; major++) {
    agents.push(`Mozilla/5.0 (X11; Linux x86_64; rv:${major}.0) Gecko/20100101 Firefox/${major}.0`);
    agents.push(`Mozilla/5.0 (iPhone; CPU iPhone OS 17_${major % 6} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${major % 6} Mobile/15E148 Safari/604.1`);
  }
  agents.push('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
  agents.push('Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)');
  return agents;
}

/** Writes the traffic's values into `dir` for wrk's script, the open-loop generator and autocannon. */
export function writeTraffic(dir: string, codes: readonly string[]): TrafficFiles {
  const write = (name: string, lines: readonly string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  return {
    codes: write('codes.txt', codes),
    agents: write('agents.txt', userAgents()),
    referrers: write('referrers.txt', REFERRERS),
    languages: write('languages.txt', LANGUAGES),
  };
}

/** The generators' arguments, in the order they read them. */
export function trafficArgs(files: TrafficFiles): string[] {
  return [files.codes, files.agents, files.referrers, files.languages];
}

import type { Command } from 'commander';
import type { Config } from '../config.js';
import { printJson, printTable, withLinkPulse } from './with-linkpulse.js';

export function registerDomainCommands(program: Command, config: Config): void {
  const domains = program.command('domains').description('hosts links live on besides the base URL\'s');

  domains.command('list').description('every domain, the default (the base URL\'s host) first').option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withLinkPulse(config, (lp) => lp.domains.list());
      if (opts.json) return printJson(list);
      printTable([['HOST', 'DEFAULT', 'BASE URL REDIRECT', 'NOT FOUND REDIRECT'],
        ...list.map((d) => [d.host, d.isDefault ? 'yes' : '', d.baseUrlRedirect, d.notFoundRedirect])]);
    });

  domains.command('add <host>').description('add a domain (its DNS must point at this server)')
    .option('--base-url-redirect <url>', 'where a visit to the host\'s root (/) is sent')
    .option('--not-found-redirect <url>', 'where a visit to a code no link on the host has is sent')
    .option('--json', 'print JSON')
    .action(async (host: string, opts: { baseUrlRedirect?: string; notFoundRedirect?: string; json?: boolean }) => {
      const domain = await withLinkPulse(config, (lp) => lp.domains.create({ host, baseUrlRedirect: opts.baseUrlRedirect, notFoundRedirect: opts.notFoundRedirect }));
      if (opts.json) printJson(domain);
      else process.stdout.write(`Added ${domain.host}\n`);
    });

  domains.command('redirects <host>').description('change a domain\'s redirects (the default domain\'s too); "none" removes one')
    .option('--base-url-redirect <url>', 'where a visit to the host\'s root (/) is sent')
    .option('--not-found-redirect <url>', 'where a visit to a code no link on the host has is sent')
    .option('--json', 'print JSON')
    .action(async (host: string, opts: { baseUrlRedirect?: string; notFoundRedirect?: string; json?: boolean }) => {
      const given = (url: string | undefined) => (url === 'none' ? null : url);
      const domain = await withLinkPulse(config, (lp) => lp.domains.updateRedirects(host, {
        baseUrlRedirect: given(opts.baseUrlRedirect), notFoundRedirect: given(opts.notFoundRedirect),
      }));
      if (opts.json) printJson(domain);
      else process.stdout.write(`${domain.host}: / → ${domain.baseUrlRedirect ?? '(none)'}; unknown codes → ${domain.notFoundRedirect ?? '(none)'}\n`);
    });

  domains.command('remove <host>').description('remove a domain no link lives on').action(async (host: string) => {
    await withLinkPulse(config, (lp) => lp.domains.delete(host));
    process.stdout.write(`Removed ${host}\n`);
  });
}

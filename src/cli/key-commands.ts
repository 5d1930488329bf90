import type { Command } from 'commander';
import type { Config } from '../config.js';
import { printJson, printTable, withLinkPulse } from './with-linkpulse.js';

export function registerKeyCommands(program: Command, config: Config): void {
  const keys = program.command('keys').description('manage API keys');

  keys.command('create').description('create a key; its secret is printed once')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--role <role>', 'admin or viewer', 'admin')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; role: string; json?: boolean }) => {
      const { key, secret } = await withLinkPulse(config, (lp) => lp.keys.create(opts.name, opts.role));
      if (opts.json) printJson({ id: key.id, name: key.name, role: key.role, secret });
      else process.stdout.write(`${secret}\n`);
    });

  keys.command('list').description('list keys (never their secrets)').option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withLinkPulse(config, (lp) => lp.keys.list());
      if (opts.json) return printJson(list);
      printTable([['ID', 'ROLE', 'NAME', 'CREATED', 'LAST USED'], ...list.map((k) => [
        k.id, k.role, k.name, new Date(k.createdAt).toISOString(), k.lastUsedAt === null ? null : new Date(k.lastUsedAt).toISOString(),
      ])]);
    });

  keys.command('revoke <id>').description('revoke a key').action(async (id: string) => {
    await withLinkPulse(config, (lp) => lp.keys.revoke(id));
    process.stdout.write(`Revoked ${id}\n`);
  });
}

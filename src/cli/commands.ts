import type { Command } from 'commander';
import type { Config } from '../config.js';
import { registerDomainCommands } from './domain-commands.js';
import { registerImportCommand } from './import-command.js';
import { registerKeyCommands } from './key-commands.js';
import { registerLinkCommands } from './link-commands.js';
import { registerOrphanCommands } from './orphan-commands.js';
import { registerReportCommands } from './report-commands.js';
import { registerServerCommands } from './server-commands.js';

export function registerCommands(program: Command, config: Config): void {
  registerServerCommands(program, config);
  registerLinkCommands(program, config);
  registerDomainCommands(program, config);
  registerReportCommands(program, config);
  registerOrphanCommands(program, config);
  registerImportCommand(program, config);
  registerKeyCommands(program, config);
}

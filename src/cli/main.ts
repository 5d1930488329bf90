import { Command, CommanderError } from 'commander';
import { loadConfig, ConfigError } from '../config.js';
import { DomainError } from '../core/shared/errors.js';
import { loadDotEnv } from '../env.js';
import { registerCommands } from './commands.js';

/** `linkpulse …`: thin commands over the same services as the HTTP API. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('linkpulse')
    .description('LinkPulse: short links with real-time, private click analytics')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    loadDotEnv();
    const config = loadConfig(process.env);
    registerCommands(program, config);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`linkpulse: ${oneLine(error)}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  if (error instanceof ConfigError || error instanceof DomainError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? 'failed';
  return String(error);
}

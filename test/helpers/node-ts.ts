import { fileURLToPath } from 'node:url';

/** Runs the TypeScript CLI entry from any working directory: tsx is resolved from here. */
export const CLI_ARGS = ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url))];

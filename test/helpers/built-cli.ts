import { fileURLToPath } from 'node:url';

/**
 * Runs the built CLI (`npm test` builds first): spawning it costs a fraction of compiling the
 * TypeScript again in every child, and it is what users run.
 */
export const CLI_ARGS = [fileURLToPath(new URL('../../bin/linkpulse.js', import.meta.url))];

#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('linkpulse: not built yet; run `npm run build` (npm ci does it too)\n');
  process.exit(1);
}
await import(entry.href);

// After tsc: builds the dashboard (ui/) into dist/ui (one ES module, one stylesheet, the page; no CDN,
// works offline) and copies the plain-JavaScript files that tsc does not (the SQLite read worker).
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}dist/ui/assets`, { recursive: true });
await build({
  entryPoints: { app: `${root}ui/main.tsx` },
  outdir: `${root}dist/ui/assets`,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
copyFileSync(`${root}ui/index.html`, `${root}dist/ui/index.html`);
copyFileSync(`${root}ui/favicon.svg`, `${root}dist/ui/assets/favicon.svg`);

mkdirSync(`${root}dist/storage/sqlite`, { recursive: true });
copyFileSync(`${root}src/storage/sqlite/read-worker.mjs`, `${root}dist/storage/sqlite/read-worker.mjs`);

// After tsc: builds the dashboard (ui/) into dist/ui (one ES module, one stylesheet, the page, and
// the chunks the module imports when it needs them, such as the world map's shapes; no CDN, works offline) and copies the plain-JavaScript files that tsc does not (the SQLite read worker).
// Asset names carry a hash of their content, so they can be cached forever (a change is a new name),
// and each is stored gzip- and brotli-compressed beside itself, so nothing is compressed per request.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const assets = `${root}dist/ui/assets`;
rmSync(assets, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });
const { metafile } = await build({
  entryPoints: { app: `${root}ui/main.tsx` },
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  splitting: true,
  metafile: true,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});

/** The built name of each file the page names: app.js → app-3F2K1QZ7.js (chunks are named by the module). */
const names = {};
for (const output of Object.keys(metafile.outputs)) {
  const name = basename(output);
  if (name.startsWith('chunk-')) continue;
  const plain = name.replace(/-[A-Z0-9]{8}\./, '.');
  if (plain !== name) names[plain] = name;
}
const favicon = readFileSync(`${root}ui/favicon.svg`);
names['favicon.svg'] = `favicon-${createHash('sha256').update(favicon).digest('hex').slice(0, 8).toUpperCase()}.svg`;
writeFileSync(`${assets}/${names['favicon.svg']}`, favicon);

let page = readFileSync(`${root}ui/index.html`, 'utf8');
for (const [plain, hashed] of Object.entries(names)) {
  if (!page.includes(`/assets/${plain}`) && !plain.endsWith('.map')) throw new Error(`ui/index.html does not name /assets/${plain}`);
  page = page.replaceAll(`/assets/${plain}"`, `/assets/${hashed}"`);
}
writeFileSync(`${root}dist/ui/index.html`, page);

for (const name of readdirSync(assets)) {
  const body = readFileSync(`${assets}/${name}`);
  writeFileSync(`${assets}/${name}.gz`, gzipSync(body, { level: 9 }));
  writeFileSync(`${assets}/${name}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
}

mkdirSync(`${root}dist/storage/sqlite`, { recursive: true });
copyFileSync(`${root}src/storage/sqlite/read-worker.mjs`, `${root}dist/storage/sqlite/read-worker.mjs`);

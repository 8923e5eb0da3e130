// Builds the traverse-turn program into dist/ as plain JavaScript (esbuild; dependencies stay in
// node_modules). The launcher bin/traverse-turn.js runs it when it is newer than src/: it starts
// without tsx and its esbuild worker, which is about 25 MB of RSS (docs/performance.md, "Memory").
// Code splitting keeps what is loaded only on demand (metrics, the self-signed certificate) out of
// the start-up chunk.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
rmSync(`${here}dist`, { recursive: true, force: true });
await build({
  entryPoints: { 'traverse-turn': `${here}bin/traverse-turn.ts` },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  outdir: `${here}dist`,
  logLevel: 'warning',
});

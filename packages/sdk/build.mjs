// Builds the browser SDK: dist/flashphoner.js (IIFE, global `Flashphoner`, a drop-in for the stock
// file), dist/flashphoner.esm.js, and dist/types/*.d.ts.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
rmSync(`${here}dist`, { recursive: true, force: true });

const common = { entryPoints: [`${here}src/index.ts`], bundle: true, target: ['chrome90', 'firefox90', 'safari15'], sourcemap: true, logLevel: 'warning' };
await build({ ...common, format: 'iife', globalName: 'Flashphoner', outfile: `${here}dist/flashphoner.js` });
await build({ ...common, format: 'esm', outfile: `${here}dist/flashphoner.esm.js` });
execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)),
  '-p', `${here}tsconfig.json`, '--noEmit', 'false', '--emitDeclarationOnly', '--declaration', '--outDir', `${here}dist/types`], { stdio: 'inherit' });

// Builds the dashboard page's assets into dist/dashboard/ (served at /dashboard/): the page script
// with uPlot bundled in, the page CSS with uPlot's, and the HTML. The page's TypeScript is checked
// first in its own program (DOM library), which the server's Node program leaves out.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const page = `${here}web/dashboard/`;
const out = `${here}dist/dashboard/`;
execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', `${page}tsconfig.json`], { stdio: 'inherit' });
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, sourcemap: true, logLevel: 'warning', target: ['chrome100', 'firefox100', 'safari15'] };
await build({ ...common, entryPoints: [`${page}main.ts`], format: 'iife', outfile: `${out}dashboard.js` });
await build({ ...common, entryPoints: [`${page}style.css`], outfile: `${out}dashboard.css` });
copyFileSync(`${page}index.html`, `${out}index.html`);

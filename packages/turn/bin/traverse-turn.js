#!/usr/bin/env -S node --max-semi-space-size=1
// Launcher for the installed `traverse-turn` command. It runs the build in dist/ (`npm run build`)
// when that is newer than every source file, and otherwise the TypeScript sources through tsx.
// The young generation is capped at 1 MB per semi-space: relayed packets make short-lived garbage
// only, and V8's default lets it grow to ~13 MB of RSS for no measurable CPU gain
// (docs/performance.md, "Memory"). Run it with plain `node` and it keeps V8's default.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const built = `${pkg}dist/traverse-turn.js`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(built) && statSync(built).mtimeMs >= Math.max(newestSource(`${pkg}src`), statSync(`${pkg}bin/traverse-turn.ts`).mtimeMs);
if (fresh) {
  await import(built);
} else {
  process.stderr.write('traverse-turn: no build newer than src/, running the TypeScript sources through tsx (`npm run build` starts faster and uses ~25 MB less memory)\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('./traverse-turn.ts');
}

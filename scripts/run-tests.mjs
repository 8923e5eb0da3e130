// Runs every test file with node's built-in test runner (through tsx), so the summary is the runner's own.
//   node scripts/run-tests.mjs            all tests
//   node scripts/run-tests.mjs --unit     only package tests (packages/*/test), no e2e
//   node scripts/run-tests.mjs <files…>   the given files
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  const out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out.sort();
}

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const explicit = args.filter((a) => !a.startsWith('--'));

let files;
if (explicit.length > 0) files = explicit;
else {
  const packages = readdirSync(join(root, 'packages')).flatMap((p) => findTests(join(root, 'packages', p, 'test')));
  files = unitOnly ? packages : [...packages, ...findTests(join(root, 'test'))];
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// Files run one at a time: the e2e tests start servers, browsers and network namespaces, and the
// machine has two cores. Each file bounds its own waits; the runner's timeout is the last resort.
const result = spawnSync(process.execPath, [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=1',
  '--test-timeout=600000',
  ...files,
], { cwd: root, stdio: 'inherit', env: { ...process.env, TRAVERSE_LOG_LEVEL: process.env.TRAVERSE_LOG_LEVEL ?? 'silent' } });
process.exit(result.status ?? 1);

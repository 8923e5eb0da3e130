// node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 25]
// Summarizes a V8 CPU profile (node --cpu-prof): share of the sampled time per function (self time)
// and per coarse bucket (idle, GC, native/Node internals, our code, dependencies), so a profile can
// be quoted in docs/performance.md without opening DevTools.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function bucket(n: ProfileNode): string {
  const { functionName: name, url } = n.callFrame;
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'program (V8/libuv outside JS)';
  if (url.includes('/packages/turn/')) return 'traverse-turn code';
  if (url.includes('node_modules')) return 'dependencies';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url === '' ? 'native (C++ called from JS)' : 'other';
}

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
const busy = total - idle;
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)} %`;

const buckets = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  buckets.set(bucket(n), (buckets.get(bucket(n)) ?? 0) + us);
  if (n.callFrame.functionName === '(idle)') continue;
  const where = n.callFrame.url ? ` ${n.callFrame.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : '';
  const key = `${n.callFrame.functionName || '(anonymous)'}${where}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}

const out: string[] = [`profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`, '', 'share of busy time by bucket:'];
for (const [b, us] of [...buckets].filter(([b]) => b !== 'idle').sort((a, b) => b[1] - a[1])) out.push(`  ${pct(us, busy).padStart(7)}  ${b}`);
out.push('', `top ${top} functions by self time (share of busy time):`);
for (const [f, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${pct(us, busy).padStart(7)}  ${f}`);
process.stdout.write(`${out.join('\n')}\n`);

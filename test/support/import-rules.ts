// Reads import specifiers from TypeScript sources and checks them against the layer rules of
// docs/architecture.md. Pure functions, so the rule checker itself is tested on synthetic input.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2])!);
  return out;
}

/** Layers inside @traverse/turn, lowest first. A file may import its own layer or lower ones. */
const TURN_LAYERS: Record<string, number> = { stun: 0, wire: 1, auth: 1, policy: 1, protocol: 2, node: 3 };
const TURN_TOP = 4; // src/*.ts files: composition (server.ts, index.ts, config.ts, …)

function turnLayer(pathInSrc: string): number {
  const first = pathInSrc.split('/')[0]!;
  if (!pathInSrc.includes('/')) return TURN_TOP;
  return TURN_LAYERS[first] ?? TURN_TOP;
}

const PACKAGE_OF = /^packages\/([^/]+)\//;

/** Bare imports each package may use (besides node: built-ins where allowed). */
const OWN_PACKAGES: Record<string, string> = {
  turn: '@traverse/turn',
  protocol: '@traverse/protocol',
  server: '@traverse/server',
  sdk: '@traverse/sdk',
};
const ALLOWED_INTERNAL_DEPS: Record<string, string[]> = {
  turn: [],
  protocol: [],
  server: ['@traverse/turn', '@traverse/protocol'],
  sdk: ['@traverse/protocol'],
};

function bareName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export function checkImports(files: SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const pkgMatch = PACKAGE_OF.exec(file.path);
    for (const spec of importSpecifiers(file.text)) {
      const bad = (reason: string) => violations.push({ file: file.path, specifier: spec, reason });
      const isRelative = spec.startsWith('.');
      const target = isRelative ? relative('.', resolve(dirname(file.path), spec)).split(sep).join('/') : undefined;

      if (pkgMatch) {
        const pkg = pkgMatch[1]!;
        const inSrc = file.path.startsWith(`packages/${pkg}/src/`);
        if (isRelative && !target!.startsWith(`packages/${pkg}/`)) {
          bad(`reaches into another package by a relative path; import it by package name`);
          continue;
        }
        if (!isRelative && spec.startsWith('@traverse/')) {
          const name = bareName(spec);
          if (name !== OWN_PACKAGES[pkg] && !(ALLOWED_INTERNAL_DEPS[pkg] ?? []).includes(name)) {
            bad(`${OWN_PACKAGES[pkg]} may not depend on ${name}`);
          }
        }
        if (!inSrc) continue;
        const pathInSrc = file.path.slice(`packages/${pkg}/src/`.length);

        if (pkg === 'sdk' && !isRelative && !spec.startsWith('@traverse/protocol')) {
          bad('the browser SDK imports only @traverse/protocol (no Node built-ins, no other packages)');
        }
        if (pkg === 'protocol' && !isRelative && spec !== 'zod') {
          bad('@traverse/protocol depends on zod only');
        }
        if (pkg === 'turn') {
          const from = turnLayer(pathInSrc);
          if (isRelative && target!.startsWith('packages/turn/src/')) {
            const to = turnLayer(target!.slice('packages/turn/src/'.length));
            if (to > from) bad(`turn layer ${pathInSrc.split('/')[0]} (${from}) imports a higher layer (${to})`);
          }
          if (from <= 2 && !isRelative) {
            // Pure layers: no I/O, no clock sources, no logger.
            const allowed = ['node:crypto', 'node:buffer', 'zod'];
            if (!allowed.includes(spec)) bad(`pure turn layer may not import ${spec}`);
          }
        }
        if (pkg === 'server') {
          const area = pathInSrc.split('/')[0];
          if (area === 'signaling' && (spec === 'werift' || spec.startsWith('werift/'))) bad('signaling never imports werift');
          if (area === 'media') {
            if (spec === 'ws' || spec === 'fastify') bad('media never imports ws or fastify');
            if (isRelative && target!.startsWith('packages/server/src/signaling/')) bad('media never imports signaling');
          }
        }
      }
    }
  }
  return violations;
}

export function readSources(root: string, dirs: string[]): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try { names = readdirSync(dir); } catch { return; }
    for (const name of names) {
      if (name === 'node_modules' || name === 'dist') continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|mts|js|mjs)$/.test(name)) {
        out.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
      }
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out;
}

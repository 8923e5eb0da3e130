import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { checkImports, importSpecifiers, readSources } from './support/import-rules.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

test('every import in packages/ points down the layers of docs/architecture.md', () => {
  const files = readSources(root, ['packages']);
  assert.ok(files.length > 0, 'no sources found');
  const violations = checkImports(files);
  assert.deepEqual(violations, [], violations.map((v) => `${v.file}: '${v.specifier}' — ${v.reason}`).join('\n'));
});

test('importSpecifiers() finds static, type-only, re-export and dynamic imports', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from '../b.ts';",
    "export * from './c.ts';",
    "import './side-effect.ts';",
    "const d = await import('./d.ts');",
  ].join('\n');
  assert.deepEqual(importSpecifiers(text), ['./a.ts', '../b.ts', './c.ts', './side-effect.ts', './d.ts']);
});

test('checkImports() reports each kind of wrong-way import', () => {
  const v = checkImports([
    { path: 'packages/turn/src/stun/message.ts', text: "import { x } from '../protocol/machine.ts';" },
    { path: 'packages/turn/src/stun/codec.ts', text: "import dgram from 'node:dgram';" },
    { path: 'packages/turn/src/node/udp.ts', text: "import { y } from '@traverse/server';" },
    { path: 'packages/sdk/src/session.ts', text: "import { EventEmitter } from 'node:events';" },
    { path: 'packages/server/src/signaling/session.ts', text: "import { RTCPeerConnection } from 'werift';" },
    { path: 'packages/server/src/media/stream.ts', text: "import { s } from '../signaling/session.ts';" },
    { path: 'packages/server/src/app.ts', text: "import { t } from '../../turn/src/index.ts';" },
  ]);
  assert.deepEqual(v.map((x) => x.file), [
    'packages/turn/src/stun/message.ts',
    'packages/turn/src/stun/codec.ts',
    'packages/turn/src/node/udp.ts',
    'packages/sdk/src/session.ts',
    'packages/server/src/signaling/session.ts',
    'packages/server/src/media/stream.ts',
    'packages/server/src/app.ts',
  ]);
});

test('checkImports() accepts imports that point down', () => {
  const v = checkImports([
    { path: 'packages/turn/src/protocol/allocate.ts', text: "import { a } from '../stun/index.ts';\nimport { b } from '../policy/peer.ts';" },
    { path: 'packages/turn/src/node/udp.ts', text: "import dgram from 'node:dgram';\nimport { p } from '../protocol/index.ts';" },
    { path: 'packages/server/src/app.ts', text: "import { createTurnServer } from '@traverse/turn';\nimport { RTCPeerConnection } from 'werift';" },
    { path: 'packages/sdk/src/session.ts', text: "import { STREAM_STATUS } from '@traverse/protocol/constants';" },
  ]);
  assert.deepEqual(v, []);
});

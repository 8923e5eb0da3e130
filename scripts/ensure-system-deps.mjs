// Makes sure the Debian packages the tests need are present.
// As root it installs what is missing with apt-get; otherwise it fails and prints the exact command.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Each requirement: a file that proves the package is installed, and the Debian package providing it. */
const requirements = [
  { file: '/usr/bin/turnutils_uclient', pkg: 'coturn', why: 'TURN interop tests (turnutils_uclient, turnutils_peer, turnutils_stunclient)' },
  { file: '/usr/bin/chromium', pkg: 'chromium', why: 'browser tests (headless Chromium with a fake camera)' },
  { file: '/usr/bin/firefox-esr', pkg: 'firefox-esr', why: 'cross-browser tests (headless Firefox ESR over WebDriver BiDi)' },
  { file: '/usr/sbin/ip', pkg: 'iproute2', why: 'firewall tests in network namespaces' },
  { file: '/usr/sbin/iptables', pkg: 'iptables', why: 'firewall tests (drop UDP in the client namespace)' },
  { file: '/usr/bin/openssl', pkg: 'openssl', why: 'TLS interop tests with coturn (throwaway certificates)' },
];

const missing = requirements.filter((r) => !existsSync(r.file));
if (missing.length === 0) process.exit(0);

const pkgs = [...new Set(missing.map((r) => r.pkg))];
const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
for (const r of missing) console.error(`missing ${r.file} (Debian package ${r.pkg}) needed for ${r.why}`);

if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error(`\nnpm test needs these Debian packages. Install them as root:\n  ${command}`);
  process.exit(1);
}

console.error(`installing: ${pkgs.join(' ')}`);
// policy-rc.d exit 101 stops Debian from starting the packaged coturn/redis services, which would
// occupy the ports our tests use.
const script = [
  'created=0',
  "if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created=1; fi",
  `(${command}); rc=$?`,
  'if [ $created = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi',
  'exit $rc',
].join('\n');
const result = spawnSync('bash', ['-c', script], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`apt-get failed (exit ${result.status}). Command was:\n  ${command}`);
  process.exit(1);
}
const still = requirements.filter((r) => !existsSync(r.file));
if (still.length > 0) {
  console.error(`still missing after install: ${still.map((r) => r.file).join(', ')}`);
  process.exit(1);
}

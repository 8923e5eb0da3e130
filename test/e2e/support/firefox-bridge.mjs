// Runs inside a test host's network namespace: starts Firefox there and relays its WebDriver BiDi
// WebSocket over this process's stdin/stdout, one JSON message per line. Firefox's remote agent only
// listens on the namespace's own loopback, which the test process (in another namespace) cannot reach.
//   node firefox-bridge.mjs <firefox executable> <firefox args…>
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [executable, ...args] = process.argv.slice(2);
const firefox = spawn(executable, [...args, '--remote-debugging-port=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
let socket;
let stderr = '';

function quit(code) {
  if (firefox.exitCode === null) firefox.kill('SIGKILL');
  process.exit(code);
}

firefox.once('exit', (code) => {
  process.stderr.write(`firefox exited (${code}): ${stderr.slice(-2000)}\n`);
  process.exit(1);
});
const timer = setTimeout(() => {
  process.stderr.write(`firefox did not announce its BiDi endpoint: ${stderr.slice(-2000)}\n`);
  quit(1);
}, 60_000);

firefox.stderr.on('data', (chunk) => {
  if (socket) return;
  stderr += chunk;
  const endpoint = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
  if (!endpoint) return;
  clearTimeout(timer);
  socket = new WebSocket(`${endpoint}/session`, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  socket.on('open', () => process.stdout.write('{"bridge":"open"}\n'));
  socket.on('message', (data) => process.stdout.write(`${data.toString().replace(/\n/g, '')}\n`));
  socket.on('close', () => quit(0));
  socket.on('error', (err) => {
    process.stderr.write(`bridge: ${err.message}\n`);
    quit(1);
  });
});

createInterface({ input: process.stdin }).on('line', (line) => socket?.send(line)).on('close', () => quit(0));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => quit(0));

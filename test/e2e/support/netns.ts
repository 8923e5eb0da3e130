// Two test hosts in network namespaces joined by a veth pair: "server" and "client". The client
// can be firewalled (all UDP dropped). Everything the harness creates is removed in destroy(),
// which also runs on process exit and on SIGINT/SIGTERM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface Host {
  ns: string;
  ip: string;
}

export interface Topology {
  server: Host;
  client: Host;
  /** Drops every UDP packet entering or leaving the client (loopback excepted). */
  blockClientUdp(): void;
  /**
   * Replaces the client's firewall: it may reach only these server ports (TCP and UDP; replies
   * included), or everything with 'open'. Loopback stays open.
   */
  allowClientOnly(allow: { tcp?: number[]; udp?: number[] } | 'open'): void;
  /** Starts a process inside a namespace; it is killed by destroy(). */
  spawnIn(host: Host, command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  exec(host: Host, command: string, args: string[]): string;
  destroy(): void;
}

function run(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function requireRoot(): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error('the firewall tests create network namespaces and need root (CI runs as root): run npm test as root');
  }
}

/** Topologies this process has made: part of the names, so one process can hold several. */
let made = 0;

/**
 * Namespaces are named tvfw-srv-<id>/tvfw-cli-<id> and use TEST-NET-2 addresses (RFC 5737), which
 * route nowhere: nothing the test hosts send can leave them. Every topology has its own pair of
 * namespaces, so two of them (in one process or in several) may use the same addresses.
 */
export function createTopology(): Topology {
  requireRoot();
  const id = `${process.pid}${made++}`;
  const server: Host = { ns: `tvfw-srv-${id}`, ip: '198.51.100.1' };
  const client: Host = { ns: `tvfw-cli-${id}`, ip: '198.51.100.2' };
  const vs = `tvfws${id}`.slice(0, 15);
  const vc = `tvfwc${id}`.slice(0, 15);
  const children = new Set<ChildProcess>();
  let destroyed = false;

  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    for (const c of children) if (c.exitCode === null && c.pid) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
    for (const h of [server, client]) {
      try {
        for (const pid of run(['netns', 'pids', h.ns]).split(/\s+/).filter(Boolean)) try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      } catch { /* namespace absent */ }
      try { run(['netns', 'del', h.ns]); } catch { /* already gone */ }
    }
    process.off('exit', destroy);
  };
  process.once('exit', destroy);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { destroy(); process.exit(130); });

  try {
    run(['netns', 'add', server.ns]);
    run(['netns', 'add', client.ns]);
    run(['link', 'add', vs, 'type', 'veth', 'peer', 'name', vc]);
    run(['link', 'set', vs, 'netns', server.ns]);
    run(['link', 'set', vc, 'netns', client.ns]);
    for (const [h, dev] of [[server, vs], [client, vc]] as const) {
      run(['-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'dev', dev]);
      run(['-n', h.ns, 'link', 'set', dev, 'up']);
      run(['-n', h.ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (err) {
    destroy();
    throw err;
  }

  return {
    server,
    client,
    blockClientUdp() {
      const ipt = (args: string[]) => execFileSync('ip', ['netns', 'exec', client.ns, 'iptables', ...args], { stdio: 'ignore' });
      ipt(['-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
      ipt(['-A', 'OUTPUT', '-o', 'lo', '-j', 'ACCEPT']);
      ipt(['-A', 'INPUT', '-p', 'udp', '-j', 'DROP']);
      ipt(['-A', 'OUTPUT', '-p', 'udp', '-j', 'DROP']);
    },
    allowClientOnly(allow) {
      const ipt = (args: string[]) => execFileSync('ip', ['netns', 'exec', client.ns, 'iptables', ...args], { stdio: 'ignore' });
      ipt(['-F', 'INPUT']);
      ipt(['-F', 'OUTPUT']);
      if (allow === 'open') return;
      ipt(['-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
      ipt(['-A', 'OUTPUT', '-o', 'lo', '-j', 'ACCEPT']);
      for (const [proto, ports] of [['tcp', allow.tcp ?? []], ['udp', allow.udp ?? []]] as const) {
        for (const port of ports) {
          ipt(['-A', 'OUTPUT', '-p', proto, '-d', server.ip, '--dport', String(port), '-j', 'ACCEPT']);
          ipt(['-A', 'INPUT', '-p', proto, '-s', server.ip, '--sport', String(port), '-j', 'ACCEPT']);
        }
      }
      ipt(['-A', 'INPUT', '-j', 'DROP']);
      ipt(['-A', 'OUTPUT', '-j', 'DROP']);
    },
    spawnIn(host, command, args, env) {
      const child = spawn('ip', ['netns', 'exec', host.ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    exec(host, command, args) {
      return execFileSync('ip', ['netns', 'exec', host.ns, command, ...args], { encoding: 'utf8' });
    },
    destroy,
  };
}

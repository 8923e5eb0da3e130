// The authenticated mutation fuzz. mutation.test.ts runs this file inside a network namespace that has
// only `lo`: whatever peer address a mutation makes, the relay reaches nothing beyond that loopback.
// The TURN server runs in this process, so coverage of its handlers is measured here. Fuzz clients
// hold real allocations, permissions and channels over UDP and TCP, and send bursts of mutated,
// re-signed requests, Send indications and ChannelData; between bursts, well-formed clients must
// still get their echoes. The last stdout line is the report (JSON); a failed probe exits non-zero.
import { networkInterfaces } from 'node:os';
import { createTurnServer, type TurnServer } from '../../../packages/turn/src/index.ts';
import { Attr, StunClass, StunMethod, decodeStun, errorCode, getAttribute, looksLikeStun, u32, type StunMessage } from '../../../packages/turn/src/stun/index.ts';
import { echoPeer } from '../../../packages/turn/test/support/echo-peer.ts';
import { TurnSocketClient, type Transport } from '../../../packages/turn/test/support/socket-client.ts';
import { requests } from '../../../packages/turn/test/support/turn-messages.ts';
import { mutate, mutatedChannelData, prng, sign, template, type Rng, type Session } from './authenticated-mutations.ts';

export interface FuzzConfig {
  seed: number;
  /** Mutated messages per transport. */
  messages: number;
  burst: number;
  /** A probe every this many bursts. */
  probeEvery: number;
  timeLimitMs: number;
  minPort: number;
  maxPort: number;
}

export interface TransportReport {
  sent: number;
  requests: number;
  answered: number;
  /** Answers seen by the fuzz client: "Refresh 400", "ChannelBind ok", … */
  answers: Record<string, number>;
  /** Rejections the server's handlers reported (requestRejected events): "Refresh 400", … */
  rejected: Record<string, number>;
  refreshed: number;
  reallocations: number;
  reconnects: number;
  /** Datagrams the peers received through this transport's fuzz allocation: by Send, by ChannelData. */
  sendRelayed: number;
  channelRelayed: number;
}

export interface FuzzReport {
  seed: number;
  /** The network interfaces this process saw: the test requires ['lo'] only. */
  interfaces: string[];
  udp: TransportReport;
  tcp: TransportReport;
  probes: number;
  authFailures: number;
  allocationsAtEnd: number;
  relayPortsAtEnd: number;
  elapsedMs: number;
}

const USER = { username: 'u', password: 'p' };
/** Another valid user: a request it signs on USER's allocation must get 441. */
const OTHER_USER = { username: 'v', password: 'q' };
const METHOD_NAMES: Record<number, string> = {
  [StunMethod.Refresh]: 'Refresh', [StunMethod.CreatePermission]: 'CreatePermission', [StunMethod.ChannelBind]: 'ChannelBind',
  [StunMethod.Send]: 'Send', [StunMethod.Allocate]: 'Allocate', [StunMethod.Binding]: 'Binding', [StunMethod.Data]: 'Data',
};
const methodName = (m: number) => METHOD_NAMES[m] ?? 'other';
const bump = (counts: Record<string, number>, key: string) => { counts[key] = (counts[key] ?? 0) + 1; };

function emptyReport(): TransportReport {
  return { sent: 0, requests: 0, answered: 0, answers: {}, rejected: {}, refreshed: 0, reallocations: 0, reconnects: 0, sendRelayed: 0, channelRelayed: 0 };
}

/** One fuzzing client: its allocation (re-made when a mutation deletes it), permission and channels. */
class FuzzClient {
  client!: TurnSocketClient;
  session!: Session;
  readonly report = emptyReport();

  constructor(readonly transport: Transport, readonly port: number, readonly sendPort: number, readonly channelPorts: number[]) {}

  /** Connects if needed, and holds a fresh allocation with a permission and three channels. */
  async establish(): Promise<void> {
    if (!this.client || this.client.closed) {
      this.client = await TurnSocketClient.connect(this.transport, '127.0.0.1', this.port);
      this.report.reconnects++;
    }
    let r = await this.client.allocate(USER);
    if (r.code === 437) {
      // A mutation left the allocation alive but in a state this client no longer knows: start over.
      await this.client.request(requests.refresh(this.client.creds!, 0));
      r = await this.client.allocate(USER);
    }
    if (r.code !== undefined) throw new Error(`${this.transport} fuzz client: allocate answered ${r.code}`);
    this.report.reallocations++;
    const creds = this.client.creds!;
    this.session = {
      username: creds.username, password: creds.password, realm: creds.realm!, nonce: creds.nonce!,
      peerAddress: '127.0.0.1', sendPort: this.sendPort, channels: this.channelPorts.map((port, i) => ({ number: 0x4001 + i, port })),
    };
    const permission = await this.client.request(requests.createPermission(creds, ['127.0.0.1']));
    if (permission.code !== undefined) throw new Error(`CreatePermission answered ${permission.code}`);
    for (const channel of this.session.channels) {
      const bound = await this.client.channelBind(channel.number, '127.0.0.1', channel.port);
      if (bound.code !== undefined) throw new Error(`ChannelBind answered ${bound.code}`);
    }
  }

  /** Sends one burst of mutated messages and reads the answers to its requests. */
  async burst(rng: Rng, size: number): Promise<void> {
    const expected = new Map<string, number>();
    const frames: Buffer[] = [];
    const stream = this.transport !== 'udp';
    for (let i = 0; i < size; i++) {
      const kind = rng.int(5);
      if (kind === 4) {
        frames.push(mutatedChannelData(rng, this.session, stream));
        continue;
      }
      const method = [StunMethod.Refresh, StunMethod.CreatePermission, StunMethod.ChannelBind, StunMethod.Send][kind]!;
      const base = template(rng, method, this.session);
      const draft = rng.next() < 0.1 ? base : mutate(rng, base, this.session);
      frames.push(sign(draft, rng.next() < 0.03 ? { ...this.session, ...OTHER_USER } : this.session));
      if (draft.cls === StunClass.Request) expected.set(draft.txid.toString('hex'), draft.method);
    }
    for (const f of frames) this.client.send(f);
    this.report.sent += frames.length;
    this.report.requests += expected.size;
    let deleted = false;
    for (const answer of await this.#answers(expected, 5000)) {
      this.report.answered++;
      const code = answer.cls === StunClass.ErrorResponse ? errorCode.decode(getAttribute(answer, Attr.ErrorCode)?.value ?? Buffer.alloc(0))?.code : undefined;
      bump(this.report.answers, `${methodName(answer.method)} ${code ?? 'ok'}`);
      const lifetime = getAttribute(answer, Attr.Lifetime);
      if (code === 437 || (answer.method === StunMethod.Refresh && code === undefined && lifetime && u32.decode(lifetime.value) === 0)) deleted = true;
    }
    this.client.drain(); // Echoes relayed back: they exercised the peer → client path; nothing to check.
    if (deleted || this.client.closed) await this.establish();
  }

  async #answers(expected: Map<string, number>, ms: number): Promise<StunMessage[]> {
    const out: StunMessage[] = [];
    const deadline = Date.now() + ms;
    while (expected.size > 0 && Date.now() < deadline) {
      let bytes: Buffer;
      try {
        bytes = await this.client.next((m) => looksLikeStun(m) && expected.has(m.subarray(8, 20).toString('hex')), deadline - Date.now());
      } catch {
        break; // UDP may lose some under load; the test bounds how many.
      }
      const decoded = decodeStun(bytes);
      expected.delete(bytes.subarray(8, 20).toString('hex'));
      if (decoded.ok) out.push(decoded.message);
    }
    return out;
  }

  /** Deletes the allocation and makes a new one, so permission and channel limits don't saturate. */
  async reset(): Promise<void> {
    await this.client.request(requests.refresh(this.client.creds!, 0));
    await this.establish();
  }
}

/** Well-formed clients on their own peer: each must get its ChannelData echo and a Binding answer. */
async function prober(server: TurnServer) {
  const peer = await echoPeer();
  const a = server.addresses();
  const clients = [await TurnSocketClient.connect('udp', '127.0.0.1', a.udp[0]!.port), await TurnSocketClient.connect('tcp', '127.0.0.1', a.tcp[0]!.port)];
  for (const c of clients) {
    if ((await c.allocate(USER)).code !== undefined || (await c.channelBind(0x4000, '127.0.0.1', peer.port)).code !== undefined) {
      throw new Error(`${c.transport} probe client could not set up its allocation`);
    }
  }
  let probes = 0;
  return {
    async probe(): Promise<void> {
      for (const c of clients) {
        if (!(await c.request(requests.binding())).mapped) throw new Error(`${c.transport} probe: Binding not answered`);
        const payload = Buffer.from(`probe-${probes}`);
        let echoed = false;
        for (let attempt = 0; attempt < 5 && !echoed; attempt++) {
          c.sendChannelData(0x4000, payload);
          try {
            for (;;) if ((await c.nextChannelData(2000)).data.equals(payload)) { echoed = true; break; }
          } catch { /* UDP under load: try again */ }
        }
        if (!echoed) throw new Error(`${c.transport} probe client got no echo for probe ${probes}`);
        c.drain();
      }
      probes++;
    },
    get count() { return probes; },
    close() {
      for (const c of clients) c.close();
      peer.close();
    },
  };
}

export async function runFuzz(config: FuzzConfig): Promise<FuzzReport> {
  const started = Date.now();
  // What the server's handlers reported, by client transport.
  const seen = { udp: { rejected: {}, refreshed: 0 }, tcp: { rejected: {}, refreshed: 0 }, tls: { rejected: {}, refreshed: 0 } } as Record<Transport, { rejected: Record<string, number>; refreshed: number }>;
  let authFailures = 0;
  const server = await createTurnServer({
    listeningIps: ['127.0.0.1'], listeningPort: 0, tls: false, relayIps: ['127.0.0.1'], minPort: config.minPort, maxPort: config.maxPort,
    realm: 'test', users: [USER, OTHER_USER], allowLoopbackPeers: true,
    // Small limits, so that mutated CreatePermission and ChannelBind also run into them.
    maxPermissionsPerAllocation: 4, maxChannelsPerAllocation: 4,
    events: {
      requestRejected: (_client, kind, method, code) => bump(seen[kind].rejected, `${method} ${code}`),
      allocationRefreshed: (info) => { seen[info.transport].refreshed++; },
      authFailure: () => { authFailures++; },
    },
  });
  const probes = await prober(server);
  const sendPeers = { udp: await echoPeer(), tcp: await echoPeer() };
  const channelPeers = { udp: [await echoPeer(), await echoPeer(), await echoPeer()], tcp: [await echoPeer(), await echoPeer(), await echoPeer()] };
  const fuzzers = (['udp', 'tcp'] as const).map((t) => new FuzzClient(t, server.addresses()[t][0]!.port, sendPeers[t].port, channelPeers[t].map((p) => p.port)));
  try {
    await probes.probe();
    const rng = prng(config.seed);
    for (const f of fuzzers) await f.establish();
    const bursts = Math.ceil(config.messages / config.burst);
    for (let b = 1; b <= bursts; b++) {
      if (Date.now() - started > config.timeLimitMs) throw new Error(`time limit: ${b - 1} of ${bursts} bursts done`);
      for (const f of fuzzers) await f.burst(rng, config.burst);
      if (b % 10 === 0) for (const f of fuzzers) await f.reset();
      if (b % config.probeEvery === 0) await probes.probe();
    }
    await probes.probe();
  } finally {
    for (const f of fuzzers) f.client?.close();
    probes.close();
  }
  const stats = server.stats();
  await server.close();
  const report = (t: 'udp' | 'tcp'): TransportReport => {
    const f = fuzzers.find((x) => x.transport === t)!;
    const out = { ...f.report, ...seen[t], sendRelayed: sendPeers[t].received, channelRelayed: channelPeers[t].reduce((n, p) => n + p.received, 0) };
    for (const p of [sendPeers[t], ...channelPeers[t]]) p.close();
    return out;
  };
  return {
    seed: config.seed, interfaces: Object.keys(networkInterfaces()), udp: report('udp'), tcp: report('tcp'), probes: probes.count, authFailures,
    allocationsAtEnd: stats.allocations, relayPortsAtEnd: stats.relayPortsInUse, elapsedMs: Date.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = JSON.parse(process.argv[2] ?? '{}') as FuzzConfig;
  runFuzz(config).then(
    (report) => {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamObservation } from '../../src/media/index.ts';
import type { ProcessReading } from '../../src/dashboard/process-gauge.ts';
import { DashboardSampler, HISTORY_SECONDS, type SamplerSources, type TurnReading } from '../../src/dashboard/sampler.ts';

/** Sources whose values the test sets, with a clock it moves. */
function fakeSources() {
  const state = {
    now: 1_000_000,
    streams: [] as StreamObservation[],
    media: { in: 0, out: 0 },
    turn: undefined as TurnReading | undefined,
    process: { cpuPercent: 12.5, rssBytes: 100 * 2 ** 20, loopDelayMeanMs: 1, loopDelayMaxMs: 3 } as ProcessReading,
  };
  const sources: SamplerSources = {
    now: () => state.now,
    nodeId: 'traverse-test',
    streams: () => state.streams,
    mediaBytes: () => state.media,
    turn: () => state.turn,
    process: () => state.process,
    sessions: () => ({ connections: 2, publishers: 1, players: 2 }),
  };
  return { state, sources };
}

function stream(bytesIn: number, frames: number, players: StreamObservation['players']): StreamObservation {
  return { name: 'cam', publisherId: 'pub-1', videoCodec: 'VP8', audioCodec: 'opus', bytesIn, videoFrames: frames, width: 640, height: 480, connectedAt: 999_000, players };
}

test('sample() leaves rates empty on the first reading and gives per-second rates from counter growth after', () => {
  const { state, sources } = fakeSources();
  const sampler = new DashboardSampler(sources);
  state.streams = [stream(1000, 10, [{ mediaSessionId: 'p1', bytesSent: 500, remoteAddress: '127.0.0.1:5000', connectedAt: 990_000 }])];
  const first = sampler.sample().sample.streams[0]!;
  assert.equal(first.bitrate, null);
  assert.equal(first.fps, null);
  assert.equal(first.players[0]!.bitrate, null);

  state.now += 2000;
  state.streams = [stream(1000 + 250_000, 10 + 60, [{ mediaSessionId: 'p1', bytesSent: 500 + 200_000, remoteAddress: '127.0.0.1:5000', connectedAt: 990_000, rttMs: 12.4, lossFraction: 0.02 }])];
  const row = sampler.sample().sample.streams[0]!;
  assert.equal(row.bitrate, 1_000_000);
  assert.equal(row.fps, 30);
  assert.equal(row.resolution, '640x480');
  assert.equal(row.codec, 'VP8 + opus');
  const player = row.players[0]!;
  assert.equal(player.bitrate, 800_000);
  assert.equal(player.rttMs, 12.4);
  assert.equal(player.lossPercent, 2);
  assert.equal(player.connectedSeconds, 12);
});

test('sample() names a player\'s path from the TURN allocation whose relay address its nominated pair reaches, else UDP direct', () => {
  const { state, sources } = fakeSources();
  state.turn = {
    allocations: [
      { transport: 'tcp', relay: { address: '127.0.0.1', port: 62600 } },
      { transport: 'tls', relay: { address: '127.0.0.1', port: 62601 } },
    ],
    relayedBytes: { udp: 0, tcp: 0, tls: 0 },
    refusals: { 401: 1, 403: 2, 508: 3 },
  };
  state.streams = [stream(0, 0, [
    { mediaSessionId: 'direct', bytesSent: 0, remoteAddress: '127.0.0.1:40000' },
    { mediaSessionId: 'tcp', bytesSent: 0, remoteAddress: '127.0.0.1:62600' },
    { mediaSessionId: 'tls', bytesSent: 0, remoteAddress: '127.0.0.1:62601' },
    { mediaSessionId: 'new', bytesSent: 0 },
  ])];
  const { sample, point } = new DashboardSampler(sources).sample();
  assert.deepEqual(sample.streams[0]!.players.map((p) => `${p.id} ${p.path}`), ['direct UDP direct', 'tcp TURN/TCP', 'tls TURN/TLS', 'new connecting']);
  assert.deepEqual(point.playersByPath, [1, 0, 1, 1], 'UDP direct, TURN/UDP, TURN/TCP, TURN/TLS');
  assert.deepEqual(sample.turn.transports.map((t) => `${t.transport} ${t.allocations}`), ['udp 0', 'tcp 1', 'tls 1']);
  assert.deepEqual(sample.turn.refusals, { 401: 1, 403: 2, 508: 3 });
});

test('sample() gives TURN relayed bit rates by transport and the chart point bitrates in and out', () => {
  const { state, sources } = fakeSources();
  state.turn = { allocations: [], relayedBytes: { udp: 0, tcp: 1000, tls: 0 }, refusals: { 401: 0, 403: 0, 508: 0 } };
  const sampler = new DashboardSampler(sources);
  sampler.sample();
  state.now += 1000;
  state.turn = { ...state.turn, relayedBytes: { udp: 0, tcp: 126_000, tls: 0 } };
  state.media = { in: 125_000, out: 250_000 };
  const { sample, point } = sampler.sample();
  assert.deepEqual(sample.turn.transports.map((t) => t.bitrate), [0, 1_000_000, 0]);
  assert.equal(point.bitrateIn, 1_000_000);
  assert.equal(point.bitrateOut, 2_000_000);
  assert.equal(point.cpuPercent, 12.5);
  assert.equal(sample.process.players, 2);
  assert.equal(sample.nodeId, 'traverse-test');
});

test('sample() keeps ten minutes of chart points, and a stream that comes back starts its rates afresh', () => {
  const { state, sources } = fakeSources();
  const sampler = new DashboardSampler(sources);
  for (let i = 0; i < HISTORY_SECONDS + 50; i++) {
    sampler.sample();
    state.now += 1000;
  }
  const history = sampler.history();
  assert.equal(history.length, HISTORY_SECONDS);
  assert.ok(history.at(-1)!.time - history[0]!.time < HISTORY_SECONDS);

  state.streams = [stream(5000, 5, [])];
  sampler.sample();
  state.now += 1000;
  state.streams = [];
  sampler.sample();
  state.now += 1000;
  state.streams = [{ ...stream(100, 1, []), publisherId: 'pub-2' }];
  assert.equal(sampler.sample().sample.streams[0]!.bitrate, null, 'no rate against another publisher\'s counters');
});

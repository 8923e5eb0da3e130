// The HTTP surface of the media server (docs/rest-api.md, docs/configuration.md "Logs and metrics"):
// /health, /metrics, /turn-credentials, the WCS REST answers when nothing is live, unknown paths and
// the SDK bundle — against the whole server started in-process on ephemeral ports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testApp } from './support/app.ts';

const SECRET = 'http-test-shared-secret-0123456789';
const TTL = 600;
const sdkBundle = fileURLToPath(new URL('../../sdk/dist/flashphoner.js', import.meta.url));

/** Metric family name → type, from the `# TYPE` lines of Prometheus text. */
function families(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** The sample lines of one metric (exact name, any labels). */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l === name || l.startsWith(`${name} `) || l.startsWith(`${name}{`));
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('HTTP endpoints of a server with no streams', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    app = await testApp({ turn: { secret: SECRET, credentialTtlSeconds: TTL } });
  });
  after(() => app?.stop());

  test('GET /health answers 200 with a JSON body: status ok and zero counts', async () => {
    const res = await fetch(`${app.httpUrl}/health`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    for (const k of ['connections', 'publishers', 'players', 'streams', 'turnAllocations']) assert.equal(body[k], 0, `health.${k}`);
  });

  test('GET /metrics is Prometheus text with the media-server and TURN metric families', async () => {
    const res = await fetch(`${app.httpUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const types = families(text);
    const expected: Record<string, string> = {
      traverse_connections: 'gauge',
      traverse_streams: 'gauge',
      traverse_rtp_packets_total: 'counter',
      traverse_rtp_bytes_total: 'counter',
      traverse_keyframe_requests_total: 'counter',
      traverse_nacks_total: 'counter',
      traverse_signaling_messages_total: 'counter',
      traverse_signaling_invalid_total: 'counter',
      traverse_signaling_connections_refused_total: 'counter',
      turn_allocations: 'gauge',
      turn_allocations_total: 'counter',
      turn_relayed_packets_total: 'counter',
      turn_relayed_bytes_total: 'counter',
      turn_auth_failures_total: 'counter',
    };
    for (const [name, type] of Object.entries(expected)) assert.equal(types.get(name), type, `# TYPE ${name} ${type}`);
    // prom-client's default metrics are there too.
    assert.ok([...types.keys()].some((n) => n.startsWith('process_')), 'process_* metrics');
    assert.ok([...types.keys()].some((n) => n.startsWith('nodejs_')), 'nodejs_* metrics');

    // Samples with the documented labels, all zero on an idle server.
    assert.deepEqual(samples(text, 'traverse_connections'), ['traverse_connections 0']);
    assert.deepEqual(samples(text, 'traverse_streams').sort(), ['traverse_streams{kind="play"} 0', 'traverse_streams{kind="publish"} 0']);
    for (const name of ['traverse_rtp_packets_total', 'traverse_rtp_bytes_total']) {
      assert.deepEqual(samples(text, name).sort(), [`${name}{direction="in"} 0`, `${name}{direction="out"} 0`]);
    }
    assert.deepEqual(samples(text, 'traverse_keyframe_requests_total'), ['traverse_keyframe_requests_total 0']);
    assert.deepEqual(samples(text, 'traverse_nacks_total'), ['traverse_nacks_total 0']);
    assert.deepEqual(samples(text, 'traverse_signaling_invalid_total').sort(),
      ['bad_envelope', 'bad_field', 'binary', 'not_json', 'rate_limited', 'too_deep', 'too_large', 'unknown_message'].map((r) => `traverse_signaling_invalid_total{reason="${r}"} 0`));
    assert.deepEqual(samples(text, 'traverse_signaling_connections_refused_total').sort(),
      ['max_connections', 'max_connections_per_ip'].map((r) => `traverse_signaling_connections_refused_total{reason="${r}"} 0`));
    assert.deepEqual(samples(text, 'turn_allocations').sort(), ['udp', 'tcp', 'tls'].sort().map((t) => `turn_allocations{transport="${t}"} 0`));
    for (const name of ['turn_relayed_packets_total', 'turn_relayed_bytes_total']) {
      const lines = samples(text, name);
      for (const transport of ['udp', 'tcp', 'tls']) {
        for (const direction of ['to_peer', 'to_client']) {
          assert.ok(lines.includes(`${name}{transport="${transport}",direction="${direction}"} 0`), `${name} ${transport} ${direction} in ${JSON.stringify(lines)}`);
        }
      }
    }
  });

  test('GET /turn-credentials: UDP, TCP and TLS urls, expiry:user username, HMAC-SHA1 credential, ttl', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await fetch(`${app.httpUrl}/turn-credentials`, { signal: AbortSignal.timeout(10_000) });
    const after = Math.floor(Date.now() / 1000);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { urls: string[]; username: string; credential: string; ttl: number };
    assert.deepEqual(Object.keys(body).sort(), ['credential', 'ttl', 'urls', 'username']);
    assert.equal(body.ttl, TTL);

    const turn = app.ports.turn!;
    assert.ok(turn.udp && turn.tcp && turn.tls, `TURN ports ${JSON.stringify(turn)}`);
    // The host is the request's Host without its port.
    assert.deepEqual(body.urls, [
      `turn:127.0.0.1:${turn.udp}?transport=udp`,
      `turn:127.0.0.1:${turn.tcp}?transport=tcp`,
      `turns:127.0.0.1:${turn.tls}?transport=tcp`,
    ]);

    const m = /^(\d+):(.+)$/.exec(body.username);
    assert.ok(m, `username ${body.username} is expiry:user`);
    const expiry = Number(m[1]);
    assert.ok(expiry > after, 'expiry in the future');
    assert.ok(expiry >= before + TTL && expiry <= after + TTL, `expiry ${expiry} ≈ now + ${TTL} (${before + TTL}..${after + TTL})`);
    assert.equal(body.credential, createHmac('sha1', SECRET).update(body.username).digest('base64'));
  });

  test('WCS REST: find_all with no streams is 404 "Stream not found", GET and POST, cross-origin allowed', async () => {
    const posted = await post(`${app.httpUrl}/rest-api/stream/find_all`, {});
    assert.equal(posted.status, 404);
    assert.equal((posted.body as { error: string }).error, 'Stream not found');
    assert.equal(posted.headers.get('access-control-allow-origin'), '*');
    const got = await fetch(`${app.httpUrl}/rest-api/stream/find_all`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(got.status, 404);
    assert.equal(((await got.json()) as { error: string }).error, 'Stream not found');
  });

  test('WCS REST: find by an unknown name is 404; a malformed filter is 400 "Query parameters error"', async () => {
    const missing = await post(`${app.httpUrl}/rest-api/stream/find`, { name: 'no-such-stream', published: true });
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { error: string }).error, 'Stream not found');
    const bad = await post(`${app.httpUrl}/rest-api/stream/find`, { published: 'yes' });
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { error: string }).error, 'Query parameters error');
    assert.match((bad.body as { detail: string }).detail, /published/);
  });

  test('WCS REST: terminate of an unknown stream is 404', async () => {
    const byName = await post(`${app.httpUrl}/rest-api/stream/terminate`, { name: 'no-such-stream' });
    assert.equal(byName.status, 404);
    const byId = await post(`${app.httpUrl}/rest-api/stream/terminate`, { mediaSessionId: 'no-such-session' });
    assert.equal(byId.status, 404);
  });

  test('an unknown path is 404', async () => {
    for (const path of ['/no/such/path', '/rest-api/stream/nope']) {
      const res = await fetch(`${app.httpUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
  });

  test('GET /sdk/flashphoner.js serves the SDK bundle as JavaScript', async () => {
    assert.ok(existsSync(sdkBundle), `${sdkBundle} is missing: run "npm run -s build" first`);
    const res = await fetch(`${app.httpUrl}/sdk/flashphoner.js`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^(application|text)\/javascript/);
    const text = await res.text();
    assert.ok(text.includes('Flashphoner'), 'the bundle defines Flashphoner');
  });
});

test('GET /turn-credentials is 404 when the embedded TURN server is disabled', async (t) => {
  const app = await testApp({ turn: { enabled: false } });
  t.after(() => app.stop());
  const res = await fetch(`${app.httpUrl}/turn-credentials`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 404);
  await res.body?.cancel();
});

test('the REST API answers only the addresses in restAllowedIps (loopback and private networks by default)', async (t) => {
  const app = await testApp({ restAllowedIps: ['10.0.0.0/8'] });
  t.after(() => app.stop());
  const refused = await post(`${app.httpUrl}/rest-api/stream/terminate`, {});
  assert.equal(refused.status, 403);
  assert.match((refused.body as { error: string }).error, /REST API not allowed from 127\.0\.0\.1 \(restAllowedIps\)/);
  assert.equal((await fetch(`${app.httpUrl}/rest-api/stream/find_all`)).status, 403);
  assert.equal((await fetch(`${app.httpUrl}/health`)).status, 200, 'the rest of the server is open');
});

test('AddressAllowlist: addresses and CIDRs of both families, IPv4-mapped clients, bad entries refused', async () => {
  const { AddressAllowlist } = await import('../src/api/address-allowlist.ts');
  const list = new AddressAllowlist(['127.0.0.0/8', '10.1.2.3', 'fc00::/7', '::1']);
  for (const yes of ['127.9.9.9', '10.1.2.3', '::ffff:127.0.0.1', 'fd00::5', '::1']) assert.equal(list.allows(yes), true, yes);
  for (const no of ['10.1.2.4', '8.8.8.8', '::ffff:8.8.8.8', '2001:db8::1', 'nonsense', undefined]) assert.equal(list.allows(no), false, String(no));
  assert.throws(() => new AddressAllowlist(['10.0.0.0/33']), /bad prefix/);
  assert.throws(() => new AddressAllowlist(['example.com']), /not an IP address/);
});

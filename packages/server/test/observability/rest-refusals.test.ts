// Refused REST API requests (docs/rest-api.md) are counted in traverse_rest_refused_total{reason} and
// logged through the log limiter: a script hammering /rest-api/ writes a few lines, not one per request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restRefusalReason } from '../../src/api/rest-refusals.ts';
import { until } from '../support/werift-client.ts';
import { describeLines, serverWithCapturedLog } from './captured-log-server.ts';
import { metricSamples, scrape } from './metric-samples.ts';

test('403, 400, 413 and 415 are refusals with their reason; 2xx and WCS\'s 404 "Stream not found" are not', () => {
  assert.deepEqual([403, 400, 413, 415, 500].map(restRefusalReason), ['forbidden', 'bad_request', 'too_large', 'unsupported_media_type', 'other']);
  assert.deepEqual([200, 204, 404].map(restRefusalReason), [undefined, undefined, undefined]);
});

test('200 REST calls from an address outside restAllowedIps: each counted as forbidden, a handful of log lines and one "suppressed" line', async (t) => {
  const server = await serverWithCapturedLog({ restAllowedIps: ['192.0.2.1/32'] });
  t.after(() => server.app.stop());
  const mark = server.lines.length;
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${server.httpUrl}/rest-api/stream/find_all?token=secret-${i}`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 403);
    await res.body?.cancel();
  }
  const samples = metricSamples(await scrape(server.httpUrl), 'traverse_rest_refused_total');
  assert.equal(samples.get('{reason="forbidden"}'), 200);
  assert.equal(samples.get('{reason="bad_request"}'), 0, 'every reason has a series from the start');

  await until(() => server.lines.slice(mark).some((l) => l.includes('more suppressed')), 5000, 'the "N more suppressed" line').catch(() => undefined);
  const written = server.lines.slice(mark);
  t.diagnostic(describeLines(written));
  // 5 lines per second for as many seconds as the requests took, plus one summary per second.
  assert.ok(written.length <= 24, `${written.length} lines:\n${describeLines(written)}`);
  const first = JSON.parse(written[0]!) as Record<string, unknown>;
  assert.deepEqual([first.msg, first.path, first.status, first.reason, first.remote], ['REST request refused', '/rest-api/stream/find_all', 403, 'forbidden', '127.0.0.1']);
  assert.ok(!written.some((l) => l.includes('secret-')), 'the query string (it may hold a token) is not logged');
  const logged = written.filter((l) => (JSON.parse(l) as { msg: string }).msg === 'REST request refused').length;
  const suppressed = written.reduce((n, l) => n + ((JSON.parse(l) as { suppressed?: number }).suppressed ?? 0), 0);
  assert.equal(logged + suppressed, 200);
});

test('a bad REST filter is counted as bad_request; "Stream not found" is not a refusal', async (t) => {
  const server = await serverWithCapturedLog({});
  t.after(() => server.app.stop());
  const post = (path: string, body: string) => fetch(`${server.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  assert.equal((await post('/rest-api/stream/find', JSON.stringify({ name: 42 }))).status, 400);
  assert.equal((await post('/rest-api/stream/find', '{not json')).status, 400);
  assert.equal((await post('/rest-api/stream/find_all', '{}')).status, 404);
  const samples = metricSamples(await scrape(server.httpUrl), 'traverse_rest_refused_total');
  assert.equal(samples.get('{reason="bad_request"}'), 2);
  assert.equal([...samples.values()].reduce((a, b) => a + b, 0), 2);
});

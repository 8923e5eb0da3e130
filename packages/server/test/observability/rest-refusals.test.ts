// Refused REST API requests (docs/rest-api.md) are counted in traverse_rest_refused_total{reason} and
// logged through the log limiter: a script hammering /rest-api/ writes a few lines, not one per request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restRefusalReason } from '../../src/api/rest-refusals.ts';
import { until } from '../support/werift-client.ts';
import { accountedFor, describeLines, serverWithCapturedLog } from './captured-log-server.ts';
import { metricSamples, scrape } from './metric-samples.ts';

test('403, 400, 413 and 415 are refusals with their reason; 2xx and WCS\'s 404 "Stream not found" are not', () => {
  assert.deepEqual([403, 400, 413, 415, 500].map(restRefusalReason), ['forbidden', 'bad_request', 'too_large', 'unsupported_media_type', 'other']);
  assert.deepEqual([200, 204, 404].map(restRefusalReason), [undefined, undefined, undefined]);
});

test('200 REST calls from an address outside restAllowedIps: each counted as forbidden, a handful of log lines and one "suppressed" line', async (t) => {
  const server = await serverWithCapturedLog({ restAllowedIps: ['192.0.2.1/32'] });
  t.after(() => server.app.stop());
  const mark = server.lines.length;
  const started = Date.now();
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${server.httpUrl}/rest-api/stream/find_all?token=secret-${i}`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 403);
    await res.body?.cancel();
  }
  const tookMs = Date.now() - started;
  const samples = metricSamples(await scrape(server.httpUrl), 'traverse_rest_refused_total');
  assert.equal(samples.get('{reason="forbidden"}'), 200);
  assert.equal(samples.get('{reason="bad_request"}'), 0, 'every reason has a series from the start');

  // Each window's suppressed count is written when the window ends (1 s); the line count is the verdict.
  await until(() => accountedFor(server.lines.slice(mark), 'REST request refused') === 200, 5000, 'every refusal in a line or a "suppressed" count').catch(() => undefined);
  const written = server.lines.slice(mark);
  t.diagnostic(describeLines(written));
  // 5 lines and one summary per 1 s window the requests spanned.
  const allowed = 6 * (Math.ceil(tookMs / 1000) + 1);
  assert.ok(written.length <= allowed, `${written.length} lines in ${tookMs} ms, at most ${allowed}:\n${describeLines(written)}`);
  const first = JSON.parse(written[0]!) as Record<string, unknown>;
  assert.deepEqual([first.msg, first.path, first.status, first.reason, first.remote], ['REST request refused', '/rest-api/stream/find_all', 403, 'forbidden', '127.0.0.1']);
  assert.ok(!written.some((l) => l.includes('secret-')), 'the query string (it may hold a token) is not logged');
  assert.equal(accountedFor(written, 'REST request refused'), 200, 'each refusal is a line or counted in a "suppressed" line');
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

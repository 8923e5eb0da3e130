import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressAllowlist } from '../../src/api/address-allowlist.ts';
import { loadConfig } from '../../src/config/load.ts';
import { dashboardAccess, presentedToken, tokenMatches } from '../../src/dashboard/access.ts';
import { testApp } from '../support/app.ts';

const TOKEN = 'dashboard-token-0123456789';

test('tokenMatches() accepts only the configured token, and nothing when none is configured', () => {
  assert.equal(tokenMatches(TOKEN, TOKEN), true);
  assert.equal(tokenMatches(TOKEN, `${TOKEN}x`), false);
  assert.equal(tokenMatches(TOKEN, ''), false);
  assert.equal(tokenMatches(TOKEN, undefined), false);
  assert.equal(tokenMatches(undefined, ''), false);
});

test('presentedToken() reads a Bearer credential first, else the token query parameter', () => {
  assert.equal(presentedToken('/dashboard/?token=abc', undefined), 'abc');
  assert.equal(presentedToken('/dashboard/events?x=1&token=a%2Fb', undefined), 'a/b');
  assert.equal(presentedToken('/rest-api/stream/terminate', 'Bearer xyz'), 'xyz');
  assert.equal(presentedToken('/dashboard/?token=abc', 'bearer xyz'), 'xyz');
  assert.equal(presentedToken('/dashboard/', 'Basic eHl6'), undefined);
  assert.equal(presentedToken('/dashboard/', undefined), undefined);
});

test('dashboardAccess() lets in the REST API\'s addresses, or anyone with the token', () => {
  const access = dashboardAccess({ addresses: new AddressAllowlist(['10.0.0.0/8']), token: TOKEN });
  assert.equal(access.allows({ remoteAddress: '10.1.2.3', url: '/dashboard/', authorization: undefined }), true);
  assert.equal(access.allows({ remoteAddress: '::ffff:10.1.2.3', url: '/dashboard/', authorization: undefined }), true);
  assert.equal(access.allows({ remoteAddress: '203.0.113.9', url: '/dashboard/', authorization: undefined }), false);
  assert.equal(access.allows({ remoteAddress: '203.0.113.9', url: `/dashboard/?token=${TOKEN}`, authorization: undefined }), true);
  assert.equal(access.allows({ remoteAddress: '203.0.113.9', url: '/dashboard/', authorization: `Bearer ${TOKEN}` }), true);
  assert.equal(access.allows({ remoteAddress: '203.0.113.9', url: '/dashboard/?token=wrong-token-0123456789', authorization: undefined }), false);
  const noToken = dashboardAccess({ addresses: new AddressAllowlist([]), token: undefined });
  assert.equal(noToken.allows({ remoteAddress: '127.0.0.1', url: '/dashboard/?token=', authorization: 'Bearer ' }), false);
});

test('dashboardToken comes from --dashboard-token or TRAVERSE_DASHBOARD_TOKEN, is unset by default, and a short one fails naming the field', () => {
  assert.equal(loadConfig([], {}).config.dashboardToken, undefined);
  assert.equal(loadConfig(['--dashboard-token', TOKEN], {}).config.dashboardToken, TOKEN);
  assert.equal(loadConfig([], { TRAVERSE_DASHBOARD_TOKEN: TOKEN }).config.dashboardToken, TOKEN);
  assert.throws(() => loadConfig(['--dashboard-token=short'], {}), /dashboardToken: at least 16 characters/);
});

describe('/dashboard/ over HTTP, from an address outside restAllowedIps', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    app = await testApp({ restAllowedIps: ['192.0.2.0/24'], dashboardToken: TOKEN });
  });
  after(async () => {
    await app?.stop();
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.httpUrl}${path}`, { headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });

  test('the page, its assets and its event stream answer 403 without the token', async () => {
    for (const path of ['/dashboard/', '/dashboard', '/dashboard/dashboard.js', '/dashboard/events']) {
      const response = await get(path);
      assert.equal(response.status, 403, path);
      await response.body?.cancel();
    }
  });

  test('the page answers with the token as ?token= or Bearer, and a wrong token gets 403', async () => {
    const page = await get(`/dashboard/?token=${TOKEN}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Traverse <span class="dim">dashboard/);
    const script = await get('/dashboard/dashboard.js', { authorization: `Bearer ${TOKEN}` });
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    await script.body?.cancel();
    const wrong = await get('/dashboard/?token=not-the-token-0123456789');
    assert.equal(wrong.status, 403);
    await wrong.body?.cancel();
  });

  test('/dashboard keeps the token when it redirects to /dashboard/', async () => {
    const response = await get(`/dashboard?token=${TOKEN}`);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), `/dashboard/?token=${TOKEN}`);
  });

  test('the REST API the page calls accepts the dashboard token as Bearer, and still refuses without it', async () => {
    const refused = await fetch(`${app.httpUrl}/rest-api/stream/find_all`, { method: 'POST', signal: AbortSignal.timeout(5000) });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    const allowed = await fetch(`${app.httpUrl}/rest-api/stream/find_all`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(5000) });
    assert.equal(allowed.status, 404, 'past the allow-list: no stream found');
    await allowed.body?.cancel();
  });
});

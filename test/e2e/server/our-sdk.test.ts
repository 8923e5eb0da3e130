// The seed's code, unchanged, on a page that loads our SDK bundle from the server: direct, relayed
// through the embedded TURN over each transport (checked on every peer connection's selected ICE
// pair), and a publisher tab that just closes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { spkiSha256 } from '../support/certificate.ts';
import { assertEveryConnectionDirect, assertEveryConnectionRelayed, type RelayProtocol } from '../support/relay-assert.ts';
import { metricsOf, waitForNoTurnAllocations } from '../support/turn-allocations.ts';
import { waitFor } from '../support/wait.ts';
import { connectSeed, fullCycle, playSeed, publishSeed, stopAll, waitEvent } from './drive.ts';
import { listedSessions, sessionKinds } from './rest.ts';
import { seedPage } from './seed-page.ts';
import { E2E_TURN_RELAY_PORTS } from './turn-ports.ts';

/** The /turn-credentials URL a page uses to reach TURN over each transport. */
const TURN_URL: Record<RelayProtocol, (u: string) => boolean> = {
  udp: (u) => u.startsWith('turn:') && u.endsWith('transport=udp'),
  tcp: (u) => u.startsWith('turn:') && u.endsWith('transport=tcp'),
  tls: (u) => u.startsWith('turns:'),
};

describe('our SDK bundle (/sdk/flashphoner.js) with the seed code', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  let pages: string;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-ours-'));
    writeFileSync(join(pages, 'seed.html'), seedPage('/sdk/flashphoner.js'));
    app = await testApp({ examplesDir: pages, turn: E2E_TURN_RELAY_PORTS });
    // TURN/TLS uses the embedded server's self-signed certificate: trusted by its key, nothing else.
    browser = await launchBrowser({ trustedSpki: [spkiSha256(app.turn!.server.tlsCertificate!.cert)] });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(pages, { recursive: true, force: true });
  });

  async function seedTab(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/seed.html`);
    return page;
  }

  /** One tab publishes `name`, another plays it until its video decodes. */
  async function publishAndPlayInTwoTabs(name: string): Promise<{ publisher: Page; player: Page }> {
    const publisher = await seedTab();
    await connectSeed(publisher, app.wsUrl);
    await publishSeed(publisher, name);
    const player = await seedTab();
    await connectSeed(player, app.wsUrl);
    await playSeed(player, name);
    return { publisher, player };
  }

  test('connect → publish → play (video decodes) → stop → unpublish → disconnect, over two direct peer connections', async () => {
    const page = await seedTab();
    await fullCycle(page, app.wsUrl, [], false, 'ours-direct');
    assertEveryConnectionDirect(await peerConnections(page), 2);
    await stopAll(page);
    await page.close();
  });

  for (const transport of ['udp', 'tcp', 'tls'] as const) {
    test(`relay-only through the embedded TURN over ${transport.toUpperCase()}, with \`urls\`: both peer connections select a relay reached over ${transport}`, async () => {
      const page = await seedTab();
      const creds = (await (await fetch(`${app.httpUrl}/turn-credentials`, { signal: AbortSignal.timeout(10_000) })).json()) as { urls: string[]; username: string; credential: string };
      const url = creds.urls.find(TURN_URL[transport]);
      assert.ok(url, `a ${transport} URL in ${creds.urls}`);
      await fullCycle(page, app.wsUrl, [{ urls: url, username: creds.username, credential: creds.credential }], true, `ours-relay-${transport}`);
      assertEveryConnectionRelayed(await peerConnections(page), 2, transport);
      await stopAll(page);
      await page.close();
    });
  }

  test('a publisher tab that closes without stopping: its player gets FAILED "Stopped by publisher stop", the server lists none of its sessions, and the name publishes and plays again', async () => {
    const name = 'ours-tab-closed';
    const { publisher, player } = await publishAndPlayInTwoTabs(name);
    assert.deepEqual(sessionKinds(await listedSessions(app.httpUrl), name), [`play ${name}`, `publish ${name}`]);

    await publisher.close(); // no stop, no disconnect: the tab just goes away
    const failed = await waitEvent(player, 'play', 'FAILED', 10_000);
    assert.equal(failed.info, 'Stopped by publisher stop');
    let listed: string[] = [];
    await waitFor(`the server to list no session of ${name}`, 10_000, async () => {
      listed = sessionKinds(await listedSessions(app.httpUrl), name);
      return listed.length === 0 ? true : undefined;
    }, { lastSeen: () => JSON.stringify(listed) });

    const again = await publishAndPlayInTwoTabs(name);
    assert.deepEqual(sessionKinds(await listedSessions(app.httpUrl), name), [`play ${name}`, `publish ${name}`]);
    for (const page of [player, again.publisher, again.player]) await page.close();
  });

  test('every TURN allocation is released once the pages have closed', async () => {
    for (const page of browser.context.pages()) await page.close();
    const created = await waitForNoTurnAllocations(metricsOf(app.httpUrl));
    assert.ok(created > 0, 'the pages did allocate on the embedded TURN');
  });
});

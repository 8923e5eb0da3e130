// One page interface over both drivers, so a cross-browser test reads the same for Chromium
// (playwright-core) and Firefox (puppeteer-core over WebDriver BiDi). Page-side functions passed to
// evaluate() must be self-contained (see peer-connections.ts).
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { launchBrowser, type BrowserOptions } from './browser.ts';
import { launchFirefox, type FirefoxOptions } from './firefox.ts';
import { recordPeerConnections } from './peer-connections.ts';

export type BrowserName = 'chromium' | 'firefox';

export interface TestPage {
  readonly browser: BrowserName;
  goto(url: string): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  click(selector: string): Promise<void>;
  /** Makes this the active tab: Firefox holds back some media work in background tabs. */
  focus(): Promise<void>;
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestBrowser {
  readonly name: BrowserName;
  newPage(): Promise<TestPage>;
  close(): Promise<void>;
}

function fromPlaywright(page: PlaywrightPage): TestPage {
  return {
    browser: 'chromium',
    goto: async (url) => void (await page.goto(url)),
    // The drivers' own evaluate types are richer than this interface; the functions are the same.
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => (page.evaluate as (f: unknown, a: unknown) => Promise<R>).call(page, fn, arg),
    click: (selector) => page.click(selector),
    focus: () => page.bringToFront(),
    screenshot: async (path) => void (await page.screenshot({ path, fullPage: true })),
    close: () => page.close(),
  };
}

function fromPuppeteer(page: PuppeteerPage): TestPage {
  return {
    browser: 'firefox',
    goto: async (url) => void (await page.goto(url)),
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => (page.evaluate as (f: unknown, a: unknown) => Promise<R>).call(page, fn, arg),
    click: (selector) => page.click(selector),
    focus: () => page.bringToFront(),
    screenshot: async (path) => void (await page.screenshot({ path: path as `${string}.png`, fullPage: true })),
    close: () => page.close(),
  };
}

export async function launchTestBrowser(name: BrowserName, options: { netns?: string; insecureOrigin?: string; chromium?: BrowserOptions; firefox?: FirefoxOptions } = {}): Promise<TestBrowser> {
  if (name === 'chromium') {
    const browser = await launchBrowser({
      noMdns: true,
      ...(options.netns ? { netns: options.netns } : {}),
      ...(options.insecureOrigin ? { insecureOrigins: [options.insecureOrigin] } : {}),
      ...options.chromium,
    });
    return { name, newPage: async () => fromPlaywright(await browser.newPage()), close: () => browser.close() };
  }
  const firefox = await launchFirefox({
    ...(options.netns ? { netns: options.netns } : {}),
    allowInsecureMedia: options.insecureOrigin !== undefined,
    ...options.firefox,
  });
  return {
    name,
    async newPage() {
      const page = await firefox.browser.newPage();
      await page.evaluateOnNewDocument(recordPeerConnections);
      return fromPuppeteer(page);
    },
    close: () => firefox.close(),
  };
}

/** Evaluates `probe` in the page until it returns something other than undefined, within a bound. */
export async function waitInPage<R, A>(page: TestPage, what: string, timeoutMs: number, probe: (arg: A) => R | undefined | Promise<R | undefined>, arg: A): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(probe, arg);
    if (value !== undefined && value !== null) return value as R;
    if (Date.now() > deadline) throw new Error(`${page.browser}: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

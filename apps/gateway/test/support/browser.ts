// Debian's Chromium driven by playwright-core (STYLE §8: the SPA is tested in a real browser). Each
// browser is a persistent context on a fresh profile directory, so cookies never leak between people.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Skipped only on a developer machine without Chromium; in CI a missing browser is a failure. */
export const SKIP_BROWSER_TESTS = !existsSync(CHROMIUM_PATH) && !process.env.CI;
export const SKIP_REASON = `${CHROMIUM_PATH} is missing (apt-get install -y --no-install-recommends chromium); browser tests skipped`;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests, to assert a clean run. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(opts: { width?: number; height?: number } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: opts.width ?? 1366, height: opts.height ?? 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** apps/gateway/artifacts/screenshots (gitignored), created on demand. */
export function screenshotDir(): string {
  const dir = join(new URL('../..', import.meta.url).pathname, 'artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { WORKSPACE_ROOT } from '../stack/processes';

/** Debian's `chromium` package (.ci/run installs it); Playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Where the browser tests leave a screenshot each (git-ignored). */
export const SCREENSHOT_DIR = join(WORKSPACE_ROOT, '.local', 'screenshots');

/**
 * A headless Chromium for the console's tests. Without the networking flags Chromium keeps
 * trying to reach the internet; `--no-sandbox` because CI runs as root.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves the page as `<name>.png` under {@link SCREENSHOT_DIR}, and returns the file. */
export async function screenshot(
  page: Page,
  name: string,
  { fullPage = true }: { fullPage?: boolean } = {},
): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

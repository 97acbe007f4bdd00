import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
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

/** The WCAG 2.1 A and AA rules axe-core checks: names and labels, contrast, structure, ARIA. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * What an accessibility audit (axe-core, WCAG 2.1 A and AA) and a look at the layout find
 * wrong with the page as it is now, one line each; empty when nothing. Layout: on a
 * phone-sized screen nothing may need scrolling sideways.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
  const problems = violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact ?? 'minor'}): ${node.target.join(' ')}: ${node.failureSummary ?? violation.help}`,
    ),
  );
  // Through Playwright rather than the DOM's globals: this library compiles without the DOM's types.
  const screenWidth = page.viewportSize()?.width ?? 0;
  const scrollWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
  if (scrollWidth > screenWidth) {
    // The innermost elements that reach past the screen's right edge: what to fix.
    const sticking = await page.locator('body *').evaluateAll(
      (elements, right) =>
        // No named functions in here: the page runs this, without the helper some transpilers add.
        elements
          .filter(
            (element) =>
              element.getBoundingClientRect().right > right &&
              ![...element.children].some((child) => child.getBoundingClientRect().right > right),
          )
          .slice(0, 5)
          .map((element) => {
            const classes = [...element.classList].map((name) => `.${name}`).join('');
            return `${element.tagName.toLowerCase()}${classes} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
          }),
      screenWidth,
    );
    problems.push(
      `wider than the screen: ${scrollWidth} px in ${screenWidth} px: ${sticking.join(', ')}`,
    );
  }
  return problems;
}

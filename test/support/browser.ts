/**
 * Headless Chromium for the console's end-to-end tests: Debian's `chromium` package (installed by
 * .ci/run when missing), driven by playwright-core. No browser download, a fresh profile per
 * launch (playwright makes a temp --user-data-dir), and none of Chromium's background traffic:
 * tests reach nothing but loopback.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.FLOE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The browser tests are skipped only when asked for explicitly (`FLOE_SKIP_BROWSER=1`); a missing
 * Chromium otherwise fails them with a message saying how to get it, never a silent skip.
 */
export const skipBrowserTests = process.env.FLOE_SKIP_BROWSER === '1';

/** Screenshots for review (gitignored). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'console');

/** Why the browser tests cannot run here, or undefined when Chromium is installed. */
export const chromiumMissing: string | undefined = existsSync(CHROMIUM)
  ? undefined
  : `Chromium not found at ${CHROMIUM}: the console's browser tests need it. Install Debian's package ` +
    '(`apt-get install -y chromium`; .ci/run does this), or set FLOE_CHROMIUM to a Chromium binary, ' +
    'or set FLOE_SKIP_BROWSER=1 to skip these tests explicitly.';

export async function launchChromium(): Promise<Browser> {
  if (chromiumMissing) throw new Error(chromiumMissing);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 120_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG 2 A/AA rules on the page as it is; serious and critical violations only. Loaded
 * through the DevTools protocol, so the page's CSP (no inline scripts) stays on.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if ((await page.evaluate('typeof window.axe')) !== 'object') await page.evaluate(axeSource);
  const violations = await page.evaluate<AxeViolation[]>(
    `window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact ?? ''}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/**
 * What makes the page scroll sideways: elements reaching past the viewport's right edge that no
 * scrolling box clips (a wide table inside its own scroll box is fine). Empty when the page fits.
 */
export function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = window.innerWidth;
    const out = [];
    if (document.documentElement.scrollWidth <= width + 1) return out;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 1) continue;
      let clipped = false;
      // An absolutely positioned box is clipped only by scrolling boxes around its containing block.
      const absolute = getComputedStyle(el).position === 'absolute';
      for (let p = absolute ? el.offsetParent : el.parentElement; p && !clipped; p = p.parentElement) clipped = getComputedStyle(p).overflowX !== 'visible';
      if (!clipped) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' → ' + Math.round(r.right) + 'px');
    }
    return out.length ? out.slice(0, 8) : ['(the page is wider than the viewport)'];
  })()`);
}

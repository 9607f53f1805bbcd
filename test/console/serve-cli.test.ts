/**
 * The README's first steps with the console, as a newcomer takes them: `floe tokens create`, then
 * `floe serve` (the built CLI, embedded store, a fresh data dir), open the URL it prints in headless
 * Chromium, sign in with the token and see the connectors page; SIGTERM then stops the server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../support/browser.js';
import { killHard, runFloe, spawnFloe } from '../support/floe-process.js';

describe.skipIf(skipBrowserTests)('floe serve, then the URL it prints, in Chromium', () => {
  it('shows the console: sign in with a token from `floe tokens create`, land on the connectors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-console-cli-'));
    const dataDir = join(dir, '.floe-server');
    let browser: Browser | undefined;
    const created = await runFloe(['tokens', 'create', '--data-dir', dataDir]);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^floe_\S+$/);
    const serve = spawnFloe(['serve', '--port', '0', '--data-dir', dataDir]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        serve.child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /console (http:\/\/127\.0\.0\.1:\d+\/) /.exec(out);
          if (m) resolve(m[1]!);
        });
        void serve.exit.then((r) => reject(new Error(`floe serve exited ${r.code}: ${r.stderr}`)));
      });
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const res = await page.goto(url);
      expect(res?.status()).toBe(200);
      await page.fill('#token', token);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('main h1').innerText(), { timeout: 30_000 }).toBe('Connectors');
      // The heading shows before the list has loaded: wait for the list's own text.
      await expect.poll(() => page.locator('main').innerText(), { timeout: 30_000 }).toContain('No connectors yet');
      expect(await page.content()).not.toContain(token);
      serve.child.kill('SIGTERM');
      expect((await serve.exit).code).toBe(0);
    } finally {
      await browser?.close();
      if (serve.child.exitCode === null && serve.child.signalCode === null) await killHard(serve.child);
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

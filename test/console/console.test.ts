/**
 * The web console end to end, as a person uses it, in headless Chromium against a real `floe
 * serve` (embedded store, 2 workers) and the local demo API: sign in, create a connector from YAML
 * (errors shown on their lines), test extraction with a column excluded and one renamed, a run
 * watched live over the WebSocket with a failed endpoint's error, the runs chart, the backfill grid
 * with "retry failed", narrow screens, keyboard and axe-core's WCAG checks. Screenshots of each
 * page go to test-output/console/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi, type DemoApi } from '../../scripts/demo-api.js';
import { startApi, type TestApi } from '../api/helpers.js';
import {
  accessibilityViolations,
  chromiumMissing,
  launchChromium,
  sidewaysOverflow,
  screenshot as saveScreenshot,
  skipBrowserTests,
} from '../support/browser.js';
import { pgliteStore } from '../support/stores.js';

const ENDED = ['succeeded', 'partially failed', 'failed', 'cancelled'];

// A missing Chromium fails here with how to get it (the suite's hooks then fail too); only
// FLOE_SKIP_BROWSER=1 skips the browser tests.
it.skipIf(skipBrowserTests)('has a Chromium to drive', () => {
  expect(chromiumMissing).toBeUndefined();
});

describe.skipIf(skipBrowserTests)('web console in headless Chromium', () => {
  let demo: DemoApi;
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let connectorId = '';
  let runId = '';
  let backfillId = '';
  const problems: string[] = [];
  const frames: string[] = [];
  const urls: string[] = [];

  /** Opens a page by its fragment and waits until its heading shows (same-document navigations too). */
  const go = async (fragment: string, heading: string | RegExp): Promise<void> => {
    await page.goto(`${api.url}/${fragment}`);
    await expect.poll(() => page.locator('main h1').first().innerText()).toMatch(heading);
    await expect.poll(() => page.locator('[role=status]', { hasText: 'Loading' }).count()).toBe(0);
  };
  const badge = (scope: string): Promise<string> => page.locator(`${scope} .badge`).first().innerText();
  const expectAccessible = async (): Promise<void> => expect(await accessibilityViolations(page)).toEqual([]);
  /**
   * Every page is screenshotted for review, and none may show a secret (the API token, the demo
   * API's key) — except the key in YAML the person is typing, before it is saved.
   */
  const screenshot = async (p: Page, name: string, typing = false): Promise<void> => {
    const html = await p.content();
    expect(html.includes(api.token), `${name} shows the API token`).toBe(false);
    if (!typing) expect(html.includes(demo.key), `${name} shows the demo API's key`).toBe(false);
    await saveScreenshot(p, name);
  };

  beforeAll(async () => {
    demo = await startDemoApi({
      fail503Every: 0,
      fail429At: 0,
      users: 600,
      orders: 20,
      events: 20,
      tickets: 10,
    });
    api = await startApi(pgliteStore, { workers: 2 });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(45_000);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // Failed API calls (a refused token, a 400 the form shows) are logged by Chromium itself.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    page.on('request', (r) => urls.push(r.url()));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await demo?.close();
  }, 180_000);

  it('serves the console at / with a strict CSP, refuses a wrong token and signs in with a real one', async () => {
    const res = await page.goto(`${api.url}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('#token').waitFor();
    // Its own icon, so the browser asks for no /favicon.ico (a 404 in every newcomer's console).
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    await screenshot(page, '01-login');
    await expectAccessible();
    await page.fill('#token', 'not-a-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').innerText()).toContain('invalid or revoked');
    await page.fill('#token', api.token);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('main h1').innerText()).toBe('Connectors');
    expect(await page.content()).not.toContain(api.token);
  }, 180_000);

  it('creates a connector from YAML, showing each validation error on the line of its field', async () => {
    await page.click('text=New connector');
    await page.locator('#connector-yaml').waitFor();
    const yaml = (pagination: string, extra: string): string =>
      [
        `base_url: ${demo.url}`,
        `auth: { type: api_key, key_name: X-API-Key, key_value: ${demo.key} }`,
        'rate_limit: { requests_per_second: 8 }',
        'endpoints:',
        '  - path: /users',
        '    records_path: $.data',
        `    pagination: ${pagination}`,
        '  - path: /missing',
        '    name: missing',
        extra,
        `destination: { type: duckdb, path: ${join(api.dir, 'console.duckdb')} }`,
        '',
      ].join('\n');
    await page.fill('#connector-name', 'demo');
    await page.fill('#connector-yaml', yaml('{ type: cursor, cursor_param: cursor }', '    colour: red'));
    await page.click('text=Create connector');
    // Line 7 is the pagination without its cursor_path; line 10 the unknown key.
    await expect.poll(() => page.locator('.gutter-line.err').allInnerTexts()).toEqual(['7', '10']);
    const errors = await page.locator('.field-errors').innerText();
    expect(errors).toContain('config.endpoints[0].pagination.cursor_path');
    expect(errors).toContain('colour');
    expect(await page.locator('.code-line.err .lens').first().innerText()).toContain('←');
    await screenshot(page, '02-connector-new-errors', true);
    await expectAccessible();
    // "Line 10" puts the caret on that line, by keyboard too.
    await page.locator('.field-errors button', { hasText: 'Line 10' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('connector-yaml');

    await page.fill('#connector-yaml', yaml('{ type: offset, limit_value: 20 }', ''));
    await page.click('text=Create connector');
    await expect.poll(() => page.locator('main h1').innerText()).toBe('demo');
    connectorId = /#\/connectors\/([^/?]+)/.exec(page.url())![1]!;
    expect(await page.locator('table').first().innerText()).toContain('/missing');
    // The committed state is read from the destination: nothing yet.
    await expect
      .poll(() => page.locator('section[aria-labelledby="state-h"] table').innerText())
      .toContain('users');
    await screenshot(page, '03-connector');
    await expectAccessible();
    // Secrets come back masked, in the page and in the editor.
    await page.click('text=Edit YAML');
    await expect.poll(() => page.inputValue('#connector-yaml')).toContain('key_value: "***"');
    expect(await page.content()).not.toContain(demo.key);
    // Saving an edit with the key still "***" keeps the stored key: the run below signs in with it.
    const edited = (await page.inputValue('#connector-yaml')).replace(
      'requests_per_second: 8',
      'requests_per_second: 9',
    );
    expect(edited).toContain('requests_per_second: 9');
    await page.fill('#connector-yaml', edited);
    await page.click('text=Save changes');
    await expect.poll(() => page.locator('main h1').innerText()).toBe('demo');
    const saved = await api.call<{
      config: { rate_limit: { requests_per_second: number }; auth: { key_value: string } };
    }>('GET', `/connectors/${connectorId}`);
    expect(saved.body.config.rate_limit.requests_per_second).toBe(9);
    expect(saved.body.config.auth.key_value).toBe('***');
  }, 180_000);

  it('test extraction: inferred columns with types and samples; a column excluded by keyboard and one renamed inline, saved to the connector', async () => {
    await go(`#/connectors/${connectorId}`, /^demo$/);
    await page.click('text=Test extraction');
    await page.click('text=Run test extraction');
    const row = (c: string): string => `tr[data-column="${c}"]`;
    await page.locator(row('address_city')).waitFor();
    expect(
      await page
        .locator(`${row('active')} td`)
        .nth(1)
        .innerText(),
    ).toBe('boolean');
    expect(await page.locator(`${row('email')} .sample-values`).innerText()).toContain('user1@example.com');
    // Keyboard only: focus the checkbox, Space unticks it.
    await page.focus(`${row('email')} input[type=checkbox]`);
    await page.keyboard.press('Space');
    expect(await page.isChecked(`${row('email')} input[type=checkbox]`)).toBe(false);
    await page.fill('input[aria-label="Rename address_city"]', 'city');
    const headers = await page.locator('.sample-table thead th').allInnerTexts();
    expect(headers).toContain('city');
    expect(headers).not.toContain('email');
    expect(headers).not.toContain('address_city');
    await screenshot(page, '04-test-extraction');
    await expectAccessible();
    await page.click('text=Save column selection');
    const saved = await page.locator('.note-ok').innerText();
    expect(saved).toContain('city');
    expect(saved).not.toContain('email');
    const c = await api.call<{ config: { endpoints: { columns?: unknown }[] } }>(
      'GET',
      `/connectors/${connectorId}`,
    );
    expect(c.body.config.endpoints[0]!.columns).toEqual({
      exclude: ['email'],
      rename: { address_city: 'city' },
    });
    // Extracting again starts from the saved selection.
    await page.click('text=Extract again');
    await expect.poll(() => page.isChecked(`${row('email')} input[type=checkbox]`)).toBe(false);
    expect(await page.inputValue('input[aria-label="Rename address_city"]')).toBe('city');
  }, 180_000);

  it('starts a run and shows per-endpoint pages, rows and rate live over the WebSocket, then the failed endpoint with its error', async () => {
    await go(`#/connectors/${connectorId}`, /^demo$/);
    await page.click('text=Run now');
    await page.waitForURL(/#\/runs\//);
    runId = /#\/runs\/([^/?]+)/.exec(page.url())![1]!;
    const seen = new Set<string>();
    let midRun = false;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const status = await badge('.run-status');
      const rows = await page
        .locator('tr[data-endpoint="users"] td.rows')
        .innerText()
        .catch(() => '');
      if (ENDED.includes(status)) break;
      if (rows && rows !== '0' && rows !== '—') {
        seen.add(rows);
        if (!midRun && seen.size >= 2) {
          midRun = true;
          await screenshot(page, '05-run-live');
        }
      }
      if (Date.now() > deadline) throw new Error(`the run did not end; last status ${status}`);
      await page.waitForTimeout(100);
    }
    // 600 rows in 30 rate-limited pages: the page showed several counts on the way.
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect([...seen].some((v) => v !== '600')).toBe(true);
    const progress = frames
      .map((f) => JSON.parse(f) as { type?: string; run_id?: string; endpoint?: string; rows?: number })
      .filter((e) => e.type === 'endpoint.progress' && e.run_id === runId && e.endpoint === 'users');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    // Each count shown mid-run is one a progress event carried (the run page does not poll).
    const carried = new Set(progress.map((e) => String(e.rows)));
    expect([...seen].filter((v) => v !== '600' && !carried.has(v))).toEqual([]);
    await expect.poll(() => badge('.run-status')).toBe('partially failed');
    await expect.poll(() => page.locator('tr[data-endpoint="users"] td.rows').innerText()).toBe('600');
    const stored = await api.call<{ endpoints: { name: string; pages: number }[] }>('GET', `/runs/${runId}`);
    expect(await page.locator('tr[data-endpoint="users"] td.pages').innerText()).toBe(
      String(stored.body.endpoints.find((e) => e.name === 'users')!.pages),
    );
    expect(await page.locator('tr[data-endpoint="users"] td.rate').innerText()).toMatch(/\/s$/);
    expect(await badge('tr[data-endpoint="missing"]')).toBe('failed');
    const error = await page.locator('[data-error-endpoint="missing"]').innerText();
    expect(error).toContain('HTTP_STATUS');
    expect(error).toContain('404');
    expect(error).toContain('/v2/missing');
    expect(await page.content()).not.toContain(demo.key);
    await screenshot(page, '06-run');
    await expectAccessible();
  }, 180_000);

  it('lists runs with a chart of rows per run, and connectors with their last run and next scheduled time', async () => {
    await go(`#/connectors/${connectorId}`, /^demo$/);
    await page.selectOption('#schedule-mode', 'hours');
    await page.fill('#schedule-every', '6');
    await page.fill('#schedule-offset', '15');
    await page.click('text=Save schedule');
    await expect
      .poll(() => page.locator('.next-run').innerText())
      .toMatch(/^\d{4}-\d\d-\d\d (00|06|12|18):15:00 UTC$/);
    // A bad value is shown at its field.
    await page.fill('#schedule-every', '0');
    await page.click('text=Save schedule');
    await expect.poll(() => page.locator('#schedule-every-error').innerText()).not.toBe('');

    await page.click('nav >> text=Runs');
    await expect.poll(() => page.locator('main h1').innerText()).toBe('Runs');
    await expect.poll(() => page.locator('.chart rect.bar').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator(`tr[data-run="${runId}"]`).innerText()).toContain('600');
    await screenshot(page, '07-runs');
    await expectAccessible();

    await page.click('nav >> text=Connectors');
    const row = page.locator('tr[data-connector="demo"]');
    await expect.poll(() => row.locator('.last-run').innerText()).toContain('partially failed');
    expect(await row.locator('.next-run').innerText()).toMatch(/:15:00 UTC$/);
    expect(await row.innerText()).toContain('every 6 h at :15');
    await screenshot(page, '08-connectors');
    await expectAccessible();
  }, 180_000);

  it('shows backfill windows as a done / failed / pending grid and retries the failed ones', async () => {
    await go(`#/connectors/${connectorId}`, /^demo$/);
    await page.fill('#bf-from', '2024-01-01');
    await page.fill('#bf-to', '2024-01-03');
    await page.fill('#bf-step', '1d');
    await page.click('text=Start backfill');
    await page.waitForURL(/#\/backfills\//);
    backfillId = /#\/backfills\/([^/?]+)/.exec(page.url())![1]!;
    await expect
      .poll(() => badge('.run-header'), { timeout: 120_000, interval: 500 })
      .toBe('partially failed');
    await expect.poll(() => page.locator('.grid .cell-succeeded').count()).toBe(2);
    expect(await page.locator('.grid .cell-failed').count()).toBe(2);
    await page.locator('.grid .cell-failed').first().click();
    expect(await page.locator('.window-details').innerText()).toContain('HTTP_STATUS');
    await screenshot(page, '09-backfill');
    await expectAccessible();
    const retried = page.waitForResponse(
      (r) => r.url().endsWith(`/api/v1/backfills/${backfillId}/retry`) && r.request().method() === 'POST',
    );
    await page.click('text=Retry failed');
    expect((await retried).status()).toBe(202);
    // Only the failed windows run again (succeeded ones are skipped); here they fail again.
    type Bf = { status: string; attempts: number; counts: { succeeded: number; failed: number } };
    const read = async (): Promise<Bf> => (await api.call<Bf>('GET', `/backfills/${backfillId}`)).body;
    await expect
      .poll(
        async () => {
          const b = await read();
          return b.attempts === 2 && !['queued', 'running'].includes(b.status);
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe(true);
    const b = await read();
    expect(b.counts).toMatchObject({ succeeded: 2, failed: 2 });
    await expect
      .poll(() => badge('.run-header'), { timeout: 30_000, interval: 500 })
      .toBe(b.status.replace('_', ' '));
    expect(await page.locator('.grid .cell-succeeded').count()).toBe(2);
    expect(await page.locator('.grid .cell-failed').count()).toBe(2);
  }, 180_000);

  it('fits a narrow screen without sideways scrolling, and the keyboard reaches every page from the top', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, fragment, heading] of [
      ['connectors', '#/', /^Connectors$/],
      ['connector', `#/connectors/${connectorId}`, /^demo$/],
      ['run', `#/runs/${runId}`, /^Run /],
      ['runs', '#/runs', /^Runs$/],
      ['backfill', `#/backfills/${backfillId}`, /^Backfill /],
      ['editor', `#/connectors/${connectorId}/edit`, /^Edit demo$/],
    ] as const) {
      await go(fragment, heading);
      await screenshot(page, `10-narrow-${name}`);
      expect(await sidewaysOverflow(page), name).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await go('#/', /^Connectors$/);
    // From the top of the page: Tab until the connector's link has focus, Enter opens it.
    await page.evaluate('document.activeElement.blur()');
    let reached = false;
    for (let i = 0; i < 25 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate('document.activeElement.textContent')) === 'demo';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main h1').innerText()).toBe('demo');
    expect(await page.evaluate('document.activeElement.tagName')).toBe('H1');
    expect(problems).toEqual([]);
    // The token never travels in a URL (the WebSocket signs in with a one-time ticket), and no
    // event carries the connector's secret.
    expect(urls.length).toBeGreaterThan(20);
    // Built at install and served by floe serve: nothing comes from a CDN or any other origin.
    expect(urls.filter((u) => !u.startsWith(`${api.url}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(urls.filter((u) => u.includes(api.token))).toEqual([]);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((f) => f.includes(demo.key))).toEqual([]);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsole } from '../../src/api/console-assets.js';

describe('serving the web console', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'floe-console-'));
    await mkdir(join(dir, 'built', 'assets'), { recursive: true });
    await writeFile(
      join(dir, 'built', 'index.html'),
      '<!doctype html><script type="module" src="assets/app-AB12.js"></script>',
    );
    await writeFile(join(dir, 'built', 'assets', 'app-AB12.js'), 'console.log(1)');
    await writeFile(join(dir, 'built', 'assets', 'app-CD34.css'), 'body{}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers / with index.html under a strict CSP, hashed assets as immutable, and 404 for anything else', async () => {
    const app = Fastify();
    expect(await registerConsole(app, join(dir, 'built'))).toBe(true);
    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.body).toContain('assets/app-AB12.js');
    const js = await app.inject({ method: 'GET', url: '/assets/app-AB12.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/assets/app-CD34.css' })).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await app.inject({ method: 'GET', url: '/assets/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/assets/..%2Findex.html' })).statusCode).toBe(404);
    await app.close();
  });

  it('says how to build it when dist/console is missing', async () => {
    const app = Fastify();
    expect(await registerConsole(app, join(dir, 'missing'))).toBe(false);
    const r = await app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build');
    await app.close();
  });
});

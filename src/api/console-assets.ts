import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { projectRoot } from '../util/project-files.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Same-origin only: the console's own script and stylesheet, the API and its WebSocket; no inline
 * code, no framing. (`'self'` covers ws:/wss: to the same host in current browsers.)
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Where `npm run build` (so `npm install`) puts the console: `dist/console`. */
export function defaultConsoleDir(): string {
  return join(projectRoot(), 'dist', 'console');
}

/**
 * Serves the web console at `/`: `index.html` and the content-hashed files under `/assets/`, read
 * once at start (a few hundred KiB). The console is a client of the public `/api/v1` like any
 * other, so these routes need no token and hold nothing secret. Without a build, `/` says how to
 * make one.
 */
export async function registerConsole(app: FastifyInstance, dir = defaultConsoleDir()): Promise<boolean> {
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/', async (_req, reply) =>
      reply
        .code(503)
        .type(TYPES['.txt']!)
        .send(
          'The floe console is not built here: run `npm run build` (npm install does it). The API is at /api/v1.\n',
        ),
    );
    return false;
  }
  const index = await readFile(join(dir, 'index.html'));
  const assets = new Map<string, Buffer>();
  for (const f of await readdir(join(dir, 'assets'))) assets.set(f, await readFile(join(dir, 'assets', f)));
  const send = (reply: FastifyReply, body: Buffer, type: string, cache: string): FastifyReply =>
    reply
      .headers({ ...SECURITY_HEADERS, 'cache-control': cache })
      .type(type)
      .send(body);

  app.get('/', async (_req, reply) => send(reply, index, TYPES['.html']!, 'no-cache'));
  app.get('/index.html', async (_req, reply) => send(reply, index, TYPES['.html']!, 'no-cache'));
  app.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const body = assets.get(req.params.file);
    if (!body) return reply.code(404).type(TYPES['.txt']!).send('Not found.\n');
    // File names carry a content hash, so a name never changes content.
    return send(
      reply,
      body,
      TYPES[extname(req.params.file)] ?? 'application/octet-stream',
      'public, max-age=31536000, immutable',
    );
  });
  return true;
}

/**
 * Secrets in every form, nowhere: a connector with a token in its base_url path (bot APIs), a
 * bearer token with `"`, `\` and `'`, a query parameter and a header from `{{ env.X }}`, a POST
 * body secret, and an API that issues `access_token`/`sig` in its next links and echoes the
 * token in an error body. Every output of every command in every mode, and every file floe
 * writes, is searched for each secret in each encoding it could take.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runFloe, spawnFloe, waitFor } from '../support/floe-process.js';
import { useMockApi, type MockApi } from '../support/mock-api.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

const SECRETS = {
  BOT_TOKEN: '123456:AAHbotTokenZq9',
  BEARER: `tok"en\\back'slash9`,
  QP_SECRET: "SKodd'9 (x)!&=+/",
  HDR_SECRET: 'hdrSecret-77Zq',
  BODY_SECRET: 'bo"dy\\sec ret',
} as const;
/** Issued by the API in its next links: floe never sees them in the config. */
const ISSUED = ['APIissuedTok991', 'APIsigAbc552'];

/** Each secret as it may appear: raw, URL/URI/form/WHATWG-encoded (both hex cases), JSON-escaped, base64. */
function encodings(s: string): string[] {
  const form = new URLSearchParams({ v: s }).toString().slice(2);
  const url = new URL(`http://h/?${s}`).search.slice(1);
  const forms = [s, encodeURIComponent(s), encodeURI(s), form, form.replaceAll('+', '%20'), url];
  const all = [...forms, ...forms.map((f) => f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()))];
  return [...new Set([...all, ...all.map((f) => JSON.stringify(f).slice(1, -1)), Buffer.from(s).toString('base64')])];
}
const NEEDLES = [...Object.values(SECRETS).flatMap(encodings), ...ISSUED];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What leaked into `text`, as "needle" strings (empty when nothing did). */
function leaks(text: string): string[] {
  return NEEDLES.filter((n) => text.includes(n));
}

/** Every file under `root` except the resume-token files, as (path, content). */
function files(root: string, skip: string): [string, string][] {
  const out: [string, string][] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (p === skip) continue;
    if (statSync(p).isDirectory()) out.push(...files(p, skip));
    else out.push([p, readFileSync(p).toString('latin1')]);
  }
  return out;
}

function serve(api: MockApi, gate: { hang: boolean }): void {
  const base = `/bot${SECRETS.BOT_TOKEN}`;
  const records = (from: number): object[] => [0, 1].map((i) => ({ id: from + i, name: `n${from + i}` }));
  api.get(`${base}/items`, (req) => {
    const page = Number(req.query.page ?? '1');
    if (req.headers.authorization !== `Bearer ${SECRETS.BEARER}` || req.query.q !== SECRETS.QP_SECRET || req.headers['x-extra'] !== SECRETS.HDR_SECRET) {
      return { status: 400, json: { error: 'secrets not sent as configured' } };
    }
    if (page > 1 && (req.query.access_token !== ISSUED[0] || req.query.sig !== ISSUED[1])) return { status: 403, json: { error: 'bad signature' } };
    if (page === 3 && gate.hang) return { delayMs: 60_000 };
    const next = page < 4 ? `${api.url}${base}/items?page=${page + 1}&access_token=${ISSUED[0]}&sig=${ISSUED[1]}` : null;
    return { json: { data: records(page * 10), next } };
  });
  api.post(`${base}/search`, (req) => {
    const body = JSON.parse(req.body) as { key?: string };
    return body.key === SECRETS.BODY_SECRET ? { json: { data: records(100) } } : { status: 400, json: { error: 'body secret not sent' } };
  });
  api.get(`${base}/denied`, () => ({
    status: 401,
    json: { error: `token ${SECRETS.BEARER} rejected for ${SECRETS.QP_SECRET} at ${base}` },
  }));
}

async function writeConfig(api: MockApi): Promise<string> {
  const file = join(dir, 'bot.yaml');
  await writeFile(
    file,
    `name: bot
base_url: "${api.url}/bot{{ env.BOT_TOKEN }}"
auth: { type: bearer, token: "{{ env.BEARER }}" }
headers: { X-Extra: "{{ env.HDR_SECRET }}" }
retry: { max_retries: 0 }
stage: { checkpoint_pages: 1 }
endpoints:
  - path: /items
    query_params: { q: "{{ env.QP_SECRET }}" }
    records_path: $.data
    pagination: { type: next_link, next_link_path: $.next }
  - path: /search
    method: POST
    body: { key: "{{ env.BODY_SECRET }}" }
    records_path: $.data
  - path: /denied
    records_path: $.data
destination: { type: duckdb, path: ${join(dir, 'w.duckdb')} }
`,
  );
  return file;
}

describe('secrets in every form, nowhere', () => {
  it('no command, mode, log, error, run history, state or stage file holds any secret in any encoding', async () => {
    const api = await useMockApi();
    const gate = { hang: true };
    serve(api, gate);
    const file = await writeConfig(api);
    const env = { ...SECRETS };
    const state = join(dir, 'state');
    const outputs: [string, string][] = [];
    const floe = async (args: string[], expectCode?: number): Promise<string> => {
      const r = await runFloe(args, env);
      outputs.push([args.join(' '), r.stdout + r.stderr]);
      if (expectCode !== undefined) expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(expectCode);
      return r.stdout;
    };

    await floe(['validate', file], 0);
    await floe(['validate', file, '--json'], 0);
    await floe(['preview', file, '--endpoint', 'search'], 0);
    await floe(['preview', file, '--endpoint', 'search', '--json'], 0);
    for (const [command, out] of outputs) expect(leaks(out), command).toEqual([]);

    // A run stopped by SIGTERM while page 3 hangs: its checkpoint (a next link with API-issued
    // credentials) is in the run history, masked, and in the token file, mode 0600.
    const stopped = spawnFloe(['run', file, '--state-dir', state, '--log-format', 'json', '--verbose', '--concurrency', '1'], env);
    await waitFor(() => api.requests.filter((r) => r.query.page === '3').length === 1, 30_000);
    stopped.child.kill('SIGTERM');
    const s = await stopped.exit;
    outputs.push(['run (SIGTERM)', s.stdout + s.stderr]);
    expect(s.code).toBe(143);
    const tokenDir = join(state, 'checkpoints');
    const tokenFiles = files(tokenDir, '');
    expect(tokenFiles).toHaveLength(1);
    expect(tokenFiles[0]![1]).toContain(ISSUED[0]); // the resume source keeps what the API issued …
    expect(statSync(tokenFiles[0]![0]).mode & 0o777).toBe(0o600); // … readable by the owner only
    const runId = (JSON.parse(await floe(['runs', '--json', '--state-dir', state], 0)) as { run_id: string }[])[0]!.run_id;
    await floe(['runs', '--state-dir', state], 0);
    await floe(['runs', 'show', runId, '--state-dir', state], 0);
    const shown = await floe(['runs', 'show', runId, '--json', '--state-dir', state], 0);
    expect(shown).toContain('access_token=***');
    for (const [path, content] of files(state, tokenDir)) expect(leaks(content), path).toEqual([]);

    gate.hang = false;
    await floe(['run', file, '--state-dir', state], 3); // continues it: /denied fails (401 echoing the token)
    expect(api.requests.filter((r) => r.query.page === '3').length).toBe(2); // resumed at page 3 with the issued token
    await floe(['run', file, '--state-dir', state, '--json'], 3);
    await floe(['run', file, '--state-dir', state, '--log-format', 'json', '--endpoint', 'denied'], 1);
    await floe(['runs', '--state-dir', state], 0);
    await floe(['runs', '--json', '--state-dir', state], 0);

    expect(outputs.some(([, out]) => out.includes('HTTP_STATUS'))).toBe(true); // the error was shown …
    for (const [command, out] of outputs) expect(leaks(out), command).toEqual([]); // … without a secret
    for (const [path, content] of files(dir, join(state, 'checkpoints'))) {
      if (path !== file) expect(leaks(content), path).toEqual([]);
    }
  }, 120_000);

  it.each([
    ['a secret in an invalid base_url', `base_url: "ftp://h/bot{{ env.BOT_TOKEN }}"`],
    ['a secret in a field of the wrong type', `base_url: "http://h"\ntimeout_seconds: "{{ env.HDR_SECRET }}"`],
    ['a secret in an unknown key\'s neighbour', `base_url: "http://h/{{ env.QP_SECRET }}"\nheaderz: { a: "{{ env.BEARER }}" }`],
  ])('validate: %s exits 2 without echoing it', async (_name, head) => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, `name: bad\n${head}\nendpoints: [{ path: /x }]\n`);
    const r = await runFloe(['validate', file], { ...SECRETS });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid config');
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FloeError } from '../../util/errors.js';
import { PLAN_FORMAT, type SlicePlan } from './slice-plan.js';

const sliceSpec = z.strictObject({
  index: z.number().int().min(0),
  id: z.string().min(1),
  endpoint: z.string().min(1),
  table: z.string().min(1),
  from: z.string().optional(),
  to: z.string().optional(),
  windows: z.tuple([z.number().int().min(0), z.number().int().min(1)]).optional(),
});

const slicePlan = z.strictObject({
  floe_plan: z.literal(PLAN_FORMAT),
  config_name: z.string(),
  config_hash: z.string(),
  destination: z.enum(['duckdb', 'snowflake']),
  parallelism: z.number().int().min(1),
  range: z
    .strictObject({ from: z.string(), to: z.string(), step: z.string(), windows_per_slice: z.number().int().min(1) })
    .optional(),
  slices: z.array(sliceSpec),
});

/**
 * Reads a plan written by `floe plan --json`. A missing, unreadable or malformed file is a config
 * error naming the file (and the field), never retried by an orchestrator.
 */
export async function readPlan(file: string): Promise<SlicePlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FloeError('CONFIG_NOT_FOUND', 'config', `--plan ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(e)})`}; write one with \`floe plan <config> --json > ${file}\``, {
      cause: e,
      details: { path: '--plan' },
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FloeError('CONFIG_INVALID', 'config', `--plan ${file}: not JSON (${(e as Error).message}); write it with \`floe plan <config> --json\``, {
      cause: e,
      details: { path: '--plan' },
    });
  }
  const parsed = slicePlan.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new FloeError('CONFIG_INVALID', 'config', `--plan ${file}: ${at || 'the plan'}: ${issue.message} (is it the output of \`floe plan --json\`?)`, {
      details: { path: `--plan ${at}` },
    });
  }
  const plan = parsed.data as SlicePlan;
  plan.slices.forEach((s, i) => {
    if (s.index !== i) throw new FloeError('CONFIG_INVALID', 'config', `--plan ${file}: slices[${i}].index is ${s.index}; the plan was edited`, { details: { path: '--plan' } });
  });
  return plan;
}

/**
 * deploy/airflow: the DAG imports in a real Airflow (apache-airflow pinned in
 * scripts/python-tools.txt, installed by .ci/run; skipped where it is not installed) with its
 * mapped task, and floe's exit codes map to Airflow's retry / fail-without-retry (check_dag.py).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.js';

const root = join(import.meta.dirname, '..', '..');
const python = join(root, '.tools', 'python', 'bin', 'python');
const dag = join(root, 'deploy', 'airflow', 'floe_backfill_dag.py');

describe('deploy/airflow', () => {
  it("the DAG's exit codes are the CLI's", () => {
    const text = readFileSync(dag, 'utf8');
    expect(text).toMatch(new RegExp(`^EXIT_RETRYABLE = ${EXIT.retry}$`, 'm'));
    expect(text).toMatch(new RegExp(`^EXIT_OK = ${EXIT.ok}$`, 'm'));
  });

  it.runIf(existsSync(python))('the DAG parses in a real Airflow: one mapped run-slice task per slice, retried only on exit 75', () => {
    const r = spawnSync(python, [join(root, 'deploy', 'airflow', 'check_dag.py')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout.trim().split('\n').pop()).toBe('ok');
    expect(r.status).toBe(0);
  }, 150_000);
});

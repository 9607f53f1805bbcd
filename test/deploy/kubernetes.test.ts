/**
 * deploy/kubernetes: the manifests hold the Indexed Job contract `floe run-slice` is built for
 * (checked field by field against the CLI's exit codes), the example config in the ConfigMap is a
 * valid floe config, and every manifest passes `kubernetes-validate --strict` (pinned, from
 * scripts/python-tools.txt, installed by .ci/run; skipped where it is not installed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { EXIT } from '../../src/cli/exit.js';
import { parseConfig } from '../../src/config/load-config.js';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, 'deploy', 'kubernetes');
const validator = join(root, '.tools', 'python', 'bin', 'kubernetes-validate');
const hasValidator = existsSync(validator);

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   parsed manifests, checked field by field by the assertions themselves */
type Obj = Record<string, any>;

function manifest(file: string): Obj {
  return parseYaml(readFileSync(join(dir, file), 'utf8')) as Obj;
}

/** The Indexed Job contract of a Job spec (the backfill Job's, or the CronJob's template). */
function expectIndexedSliceJob(spec: Obj, configMap: string): void {
  expect(spec.completionMode).toBe('Indexed');
  expect(spec.podReplacementPolicy).toBe('Failed'); // no second pod while the first terminates
  expect(spec.backoffLimitPerIndex).toBeGreaterThan(0);
  const pod = spec.template.spec as Obj;
  expect(pod.restartPolicy).toBe('Never'); // required by podFailurePolicy; a retry is a new pod
  const [container] = pod.containers as Obj[];
  // Config errors and failures that repeat end the index; the retryable code is retried.
  const failIndex = (spec.podFailurePolicy.rules as Obj[]).find((r) => r.action === 'FailIndex')!;
  expect(failIndex.onExitCodes).toEqual({ containerName: container!.name, operator: 'In', values: [EXIT.failed, EXIT.usage] });
  expect(failIndex.onExitCodes.values).not.toContain(EXIT.retry);
  expect((spec.podFailurePolicy.rules as Obj[]).find((r) => r.action === 'Ignore')?.onPodConditions).toEqual([{ type: 'DisruptionTarget', status: 'True' }]);
  // run-slice takes its index from JOB_COMPLETION_INDEX (no --index), the plan from the ConfigMap.
  const args = container!.args as string[];
  expect(args.slice(0, 4)).toEqual(['run-slice', '/etc/floe/config.yaml', '--plan', '/etc/floe/plan.json']);
  expect(args).not.toContain('--index');
  expect(container!.envFrom).toEqual([{ secretRef: { name: manifest('secret.yaml').metadata.name } }]);
  expect((pod.volumes as Obj[]).find((v) => v.name === 'plan')?.configMap.name).toBe(configMap);
  expect(pod.securityContext.runAsNonRoot).toBe(true);
}

describe('deploy/kubernetes', () => {
  it('the backfill is an Indexed Job over the plan; the CronJob keys each scheduled run by its Job name', () => {
    const job = manifest('backfill-job.yaml');
    expect(job.kind).toBe('Job');
    expectIndexedSliceJob(job.spec as Obj, manifest('configmap.yaml').metadata.name as string);

    const cron = manifest('cronjob.yaml');
    expect(cron.kind).toBe('CronJob');
    expectIndexedSliceJob(cron.spec.jobTemplate.spec as Obj, 'floe-plan-scheduled');
    const [c] = cron.spec.jobTemplate.spec.template.spec.containers as Obj[];
    const args = c!.args as string[];
    expect(args[args.indexOf('--run-key') + 1]).toBe('$(JOB_NAME)');
    expect(c!.env).toEqual([{ name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } }]);
  });

  it("the ConfigMap's example config is a valid floe config whose secrets come from the Secret", () => {
    const data = manifest('configmap.yaml').data as Record<string, string>;
    const secret = manifest('secret.yaml').stringData as Record<string, string>;
    const loaded = parseConfig(parseYaml(data['config.yaml']!) as unknown, secret);
    expect(loaded.config.rate_limit?.shared).toBe(true);
    expect(loaded.config.destination.type).toBe('snowflake');
  });

  it('the image is node:20-slim based and runs as a non-root user', () => {
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(['node:20-slim', 'node:20-slim']);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users).toEqual(['node']);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/src\/cli\/main\.js"\]$/m);
  });

  it.runIf(hasValidator)('every manifest passes kubernetes-validate --strict, which rejects an unknown field', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(['backfill-job.yaml', 'configmap.yaml', 'cronjob.yaml', 'secret.yaml', 'state-volume.yaml']);
    for (const f of files) expect(parseAllDocuments(readFileSync(join(dir, f), 'utf8')).every((d) => d.errors.length === 0)).toBe(true);
    const ok = spawnSync(validator, ['--strict', '-k', '1.34.0', ...files.map((f) => join(dir, f))], { encoding: 'utf8' });
    expect(ok.stdout + ok.stderr).not.toMatch(/ERROR|failed/);
    expect(ok.status).toBe(0);
    expect(ok.stdout.match(/passed/g)).toHaveLength(files.length);

    // The same Job with a misspelt field fails: the check is strict.
    const tmp = mkdtempSync(join(tmpdir(), 'floe-k8s-'));
    const bad = join(tmp, 'bad-job.yaml');
    writeFileSync(bad, readFileSync(join(dir, 'backfill-job.yaml'), 'utf8').replace('backoffLimitPerIndex:', 'backoffLimitPerIndx:'));
    const rejected = spawnSync(validator, ['--strict', '-k', '1.34.0', bad], { encoding: 'utf8' });
    expect(rejected.status).not.toBe(0);
    expect(rejected.stdout + rejected.stderr).toMatch(/backoffLimitPerIndx/);
  });
});

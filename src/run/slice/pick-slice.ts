import { FloeError } from '../../util/errors.js';
import type { SlicePlan, SliceSpec } from './slice-plan.js';

/** The slice `--index N` or `--slice <id>` names (exactly one of them), or a usage error saying what exists. */
export function pickSlice(plan: SlicePlan, by: { readonly index?: number | undefined; readonly sliceId?: string | undefined }): SliceSpec {
  if ((by.index === undefined) === (by.sliceId === undefined)) {
    throw new FloeError('USAGE', 'config', 'run-slice: give --index N (Kubernetes: $JOB_COMPLETION_INDEX) or --slice <id>, not both', { details: { path: '--index' } });
  }
  if (plan.slices.length === 0) throw new FloeError('USAGE', 'config', 'run-slice: the plan has no slices', { details: { path: '--plan' } });
  if (by.index !== undefined) {
    const s = plan.slices[by.index];
    if (!s) {
      throw new FloeError('USAGE', 'config', `run-slice: --index ${by.index} is outside the plan, whose slices are 0..${plan.slices.length - 1} (Kubernetes: completions must be ${plan.slices.length})`, {
        details: { path: '--index' },
      });
    }
    return s;
  }
  const s = plan.slices.find((x) => x.id === by.sliceId);
  if (!s) {
    throw new FloeError('USAGE', 'config', `run-slice: no slice ${by.sliceId} in the plan (e.g. ${plan.slices[0]!.id}); \`floe plan\` lists them`, { details: { path: '--slice' } });
  }
  return s;
}

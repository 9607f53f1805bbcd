import { lastSlotAtOrBefore, nextSlotAfter, periodMs, type ScheduleSpec } from './schedule.js';

/** What the scheduler does with a schedule whose `next_fire_at` has come. */
export interface DueAction {
  /** `schedule` on time; `catch_up` when at least one whole slot was missed (downtime). */
  readonly trigger: 'schedule' | 'catch_up';
  /** The slot this run stands for: the latest one at or before now. */
  readonly scheduledFor: number;
  /** Slots that passed without a run while the server was down (0 on time). */
  readonly missed: number;
  /** The next fire time, strictly after now: missed slots are not replayed one by one. */
  readonly nextFireAt: number;
}

/**
 * One run for a due schedule however many slots passed (after downtime: one catch-up run, not one
 * per missed slot), and the next slot after `now`.
 */
export function dueAction(spec: ScheduleSpec, anchorMs: number, nextFireAtMs: number, nowMs: number): DueAction {
  const scheduledFor = lastSlotAtOrBefore(spec, anchorMs, nowMs);
  const missed = Math.max(0, Math.round((scheduledFor - nextFireAtMs) / periodMs(spec)));
  return { trigger: missed > 0 ? 'catch_up' : 'schedule', scheduledFor, missed, nextFireAt: nextSlotAfter(spec, anchorMs, nowMs) };
}

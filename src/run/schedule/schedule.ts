/**
 * Connector schedules as the seeds define them, computed as `anchor + k·period` in UTC
 * milliseconds. Cron cannot express them (`*\/5` hours jumps 20:00 → 00:00; `*\/2` days runs on
 * the 29th, 31st and 1st), and UTC has no DST, so there is nothing else to it:
 *
 * | mode      | slots                                                        |
 * |-----------|--------------------------------------------------------------|
 * | `minutes` | every N minutes from the connector's creation (to the minute) |
 * | `hours`   | every N hours from 1970-01-01 00:00 UTC + offset minutes      |
 * | `days`    | every N days from 1970-01-01 00:00 UTC + offset minutes       |
 *
 * For hours and days the grid starts at the UTC epoch, so `every: 6` hours gives 00, 06, 12, 18
 * (+ offset) and `every: 1` day runs at 00:00 UTC + offset daily; a period that does not divide a
 * day (5 hours) simply continues across midnight: 20:15 → 01:15.
 */
export type ScheduleMode = 'minutes' | 'hours' | 'days';

export interface ScheduleSpec {
  readonly mode: ScheduleMode;
  readonly every: number;
  readonly offset_minutes: number;
}

const MINUTE = 60_000;
const UNIT: Record<ScheduleMode, number> = { minutes: MINUTE, hours: 60 * MINUTE, days: 1440 * MINUTE };
/** The largest `every` per mode: a year. */
export const MAX_EVERY: Record<ScheduleMode, number> = { minutes: 525_600, hours: 8_760, days: 366 };

export function periodMs(spec: ScheduleSpec): number {
  return spec.every * UNIT[spec.mode];
}

/** Where the grid starts: the creation minute for `minutes`, the epoch + offset otherwise. */
export function scheduleAnchor(spec: ScheduleSpec, createdAtMs: number): number {
  return spec.mode === 'minutes' ? Math.floor(createdAtMs / MINUTE) * MINUTE : spec.offset_minutes * MINUTE;
}

/** The first slot strictly after `afterMs`. */
export function nextSlotAfter(spec: ScheduleSpec, anchorMs: number, afterMs: number): number {
  const p = periodMs(spec);
  return anchorMs + (Math.floor((afterMs - anchorMs) / p) + 1) * p;
}

/** The latest slot at or before `atMs` (what a late or catch-up run stands for). */
export function lastSlotAtOrBefore(spec: ScheduleSpec, anchorMs: number, atMs: number): number {
  const p = periodMs(spec);
  return anchorMs + Math.floor((atMs - anchorMs) / p) * p;
}

/** Problems with a spec, as `{ field, message }` (empty when valid). */
export function scheduleIssues(spec: ScheduleSpec): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!Number.isInteger(spec.every) || spec.every < 1 || spec.every > MAX_EVERY[spec.mode]) {
    out.push({ field: 'every', message: `must be a whole number from 1 to ${MAX_EVERY[spec.mode]} for ${spec.mode}` });
    return out;
  }
  if (spec.mode === 'minutes' && spec.offset_minutes !== 0) {
    out.push({ field: 'offset_minutes', message: 'minutes schedules are anchored on the connector creation time; offset_minutes must be 0' });
  }
  const max = spec.every * (spec.mode === 'hours' ? 60 : 1440);
  if (spec.mode !== 'minutes' && (!Number.isInteger(spec.offset_minutes) || spec.offset_minutes < 0 || spec.offset_minutes >= max)) {
    out.push({ field: 'offset_minutes', message: `must be a whole number of minutes from 0 to ${max - 1} for every ${spec.every} ${spec.mode}` });
  }
  return out;
}

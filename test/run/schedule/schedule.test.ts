import { describe, expect, it } from 'vitest';
import { dueAction } from '../../../src/run/schedule/due-action.js';
import { nextSlotAfter, scheduleAnchor, scheduleIssues, type ScheduleSpec } from '../../../src/run/schedule/schedule.js';

const at = (s: string): number => Date.parse(s);
const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z');

/** The first `n` fire times after creation. */
function slots(spec: ScheduleSpec, created: string, n: number): string[] {
  const anchor = scheduleAnchor(spec, at(created));
  const out: string[] = [];
  let t = at(created);
  for (let i = 0; i < n; i++) {
    t = nextSlotAfter(spec, anchor, t);
    out.push(iso(t));
  }
  return out;
}

describe('schedule slots (seeds 003/004), anchor + k·N in UTC', () => {
  it.each([
    {
      name: 'minutes: every 10 anchored on creation 10:03 → 10:13, 10:23, …',
      spec: { mode: 'minutes', every: 10, offset_minutes: 0 },
      created: '2026-03-02T10:03:27Z',
      want: ['2026-03-02T10:13Z', '2026-03-02T10:23Z', '2026-03-02T10:33Z'],
    },
    {
      name: 'hours: offset 15 → 00:15, 01:15, 02:15',
      spec: { mode: 'hours', every: 1, offset_minutes: 15 },
      created: '2026-03-01T23:40:00Z',
      want: ['2026-03-02T00:15Z', '2026-03-02T01:15Z', '2026-03-02T02:15Z'],
    },
    {
      name: 'hours: every 5 keeps 5-hour gaps across midnight (19:15 → 00:15 → 05:15), where a */5 cron runs 20:15 → 00:15',
      spec: { mode: 'hours', every: 5, offset_minutes: 15 },
      created: '2026-01-01T19:00:00Z',
      want: ['2026-01-01T19:15Z', '2026-01-02T00:15Z', '2026-01-02T05:15Z', '2026-01-02T10:15Z'],
    },
    {
      name: 'days: offset 30 → every day at 00:30 UTC, across Jan 31 and a leap February',
      spec: { mode: 'days', every: 1, offset_minutes: 30 },
      created: '2024-01-30T12:00:00Z',
      want: ['2024-01-31T00:30Z', '2024-02-01T00:30Z', '2024-02-02T00:30Z'],
    },
    {
      name: 'days: every 2 keeps a 2-day gap through Feb 28/29 → Mar (cron */2 would run on the 29th, 31st and 1st)',
      spec: { mode: 'days', every: 2, offset_minutes: 0 },
      created: '2024-02-26T05:00:00Z',
      want: ['2024-02-27T00:00Z', '2024-02-29T00:00Z', '2024-03-02T00:00Z', '2024-03-04T00:00Z'],
    },
    {
      name: 'minutes: every 45 across a month end (Apr 30 → May 1)',
      spec: { mode: 'minutes', every: 45, offset_minutes: 0 },
      created: '2026-04-30T23:00:10Z',
      want: ['2026-04-30T23:45Z', '2026-05-01T00:30Z', '2026-05-01T01:15Z'],
    },
  ] as const)('$name', ({ spec, created, want }) => {
    expect(slots(spec, created, want.length)).toEqual(want);
  });

  it('after downtime fires once (catch_up) and the next slot is after now, not each missed slot', () => {
    const spec: ScheduleSpec = { mode: 'minutes', every: 10, offset_minutes: 0 };
    const anchor = at('2026-03-02T10:03:00Z');
    const a = dueAction(spec, anchor, at('2026-03-02T10:13:00Z'), at('2026-03-02T15:07:00Z'));
    expect(a).toEqual({ trigger: 'catch_up', scheduledFor: at('2026-03-02T15:03:00Z'), missed: 29, nextFireAt: at('2026-03-02T15:13:00Z') });
    expect(dueAction(spec, anchor, at('2026-03-02T10:13:00Z'), at('2026-03-02T10:13:02Z'))).toMatchObject({ trigger: 'schedule', missed: 0 });
  });

  it('validates every and offset per mode', () => {
    expect(scheduleIssues({ mode: 'hours', every: 2, offset_minutes: 119 })).toEqual([]);
    expect(scheduleIssues({ mode: 'hours', every: 2, offset_minutes: 120 }).map((i) => i.field)).toEqual(['offset_minutes']);
    expect(scheduleIssues({ mode: 'minutes', every: 5, offset_minutes: 3 }).map((i) => i.field)).toEqual(['offset_minutes']);
    expect(scheduleIssues({ mode: 'days', every: 0, offset_minutes: 0 }).map((i) => i.field)).toEqual(['every']);
  });
});

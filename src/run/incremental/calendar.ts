import { daysFromCivil, daysInMonth, SECONDS_PER_DAY } from '../../util/iso-8601.js';

/**
 * UTC calendar arithmetic for cursor values. ISO-8601 parsing and formatting live in floe's one
 * grammar, util/iso-8601.ts (re-exported here for the incremental code).
 */
export {
  daysInMonth,
  formatDays,
  formatInstant,
  parseIsoDate,
  parseIsoInstant,
  SECONDS_PER_DAY,
  type ParsedInstant,
} from '../../util/iso-8601.js';

/**
 * Moves a day by whole calendar months, clamping the day of month to the target month's length
 * (Jan 31 + 1 month = Feb 29 in 2024, Feb 28 otherwise; Mar 31 − 1 month = Feb 28/29).
 */
export function addMonthsToDays(days: number, months: number): number {
  if (months === 0) return days;
  const date = new Date(days * SECONDS_PER_DAY * 1000);
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(date.getUTCDate(), daysInMonth(y, m)));
}

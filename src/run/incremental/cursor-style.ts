import { formatCursor, type CursorValue } from '../../util/cursor-value.js';

/** How an ISO-8601 `initial_value` is written, so computed bounds are written the same way. */
export interface InstantStyle {
  /** `T`, `t` or a space between date and time. */
  readonly separator: string;
  readonly seconds: boolean;
  /** Fraction digits (a minimum: a bound that needs more keeps them) and their mark. */
  readonly digits: number;
  readonly mark: string;
  /** `Z`, `z`, `''` (naive), or a numeric offset in one of `±HH:MM`, `±HHMM`, `±HH`. */
  readonly zone:
    | 'Z'
    | 'z'
    | ''
    | {
        readonly seconds: number;
        readonly form: 'colon' | 'compact' | 'hours';
        readonly negativeZero: boolean;
      };
}

const SHAPE = /^\d{4}-\d{2}-\d{2}([Tt ])\d{2}:\d{2}(?::\d{2}(?:([.,])(\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The style of `initial_value`, when it is an ISO-8601 date-time string. */
export function instantStyle(initial: string | number): InstantStyle | undefined {
  if (typeof initial !== 'string') return undefined;
  const m = SHAPE.exec(initial.trim());
  if (!m) return undefined;
  const [, separator = 'T', mark = '.', fraction = '', zone = ''] = m;
  const seconds = /^\d{4}-\d{2}-\d{2}.\d{2}:\d{2}:/.test(initial.trim());
  let z: InstantStyle['zone'];
  if (zone === 'Z' || zone === 'z' || zone === '') z = zone;
  else {
    const sign = zone.startsWith('-') ? -1 : 1;
    const hh = Number(zone.slice(1, 3));
    const mm = zone.length > 3 ? Number(zone.slice(-2)) : 0;
    z = {
      seconds: sign * (hh * 3600 + mm * 60),
      form: zone.includes(':') ? 'colon' : zone.length > 3 ? 'compact' : 'hours',
      negativeZero: sign < 0 && hh === 0 && mm === 0,
    };
  }
  return { separator, seconds, digits: fraction.length, mark, zone: z };
}

/**
 * A cursor value as `{{ incremental.start_value }}` / `end_value` render it: an instant in the
 * style of `initial_value` — the same separator, fraction digits (never fewer than the value was
 * read with or needs), and offset form (`Z`, `+00:00`, `+0000`, naive, or the same instant in `+02:00`) —,
 * because many APIs compare these strings, and `…T00:00:00Z` sorts before `…T00:00:00.000Z`.
 * Dates and numbers as `formatCursor`.
 */
export function formatLike(v: CursorValue, style: InstantStyle | undefined): string {
  if (v.kind !== 'instant' || style === undefined) return formatCursor(v);
  const shift = typeof style.zone === 'object' ? style.zone.seconds : 0;
  const iso = new Date((v.seconds + shift) * 1000).toISOString();
  let fraction = v.nanos === 0 ? '' : String(v.nanos).padStart(9, '0').replace(/0+$/, '');
  // At least initial_value's digits, and at least the value's own (a cursor read from the data).
  const digits = Math.max(style.digits, v.digits);
  if (fraction.length < digits) fraction = fraction.padEnd(digits, '0');
  const needSeconds = style.seconds || fraction !== '' || iso.slice(17, 19) !== '00';
  let out = iso.slice(0, 10) + style.separator + iso.slice(11, needSeconds ? 19 : 16);
  if (fraction !== '') out += style.mark + fraction;
  return out + zoneText(style.zone);
}

function zoneText(zone: InstantStyle['zone']): string {
  if (typeof zone === 'string') return zone;
  const abs = Math.abs(zone.seconds);
  const sign = zone.seconds < 0 || zone.negativeZero ? '-' : '+';
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return zone.form === 'colon'
    ? `${sign}${hh}:${mm}`
    : zone.form === 'compact'
      ? `${sign}${hh}${mm}`
      : `${sign}${hh}`;
}

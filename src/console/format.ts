/** Display formats: numbers with separators, sizes, durations and UTC times. */

const INT = new Intl.NumberFormat('en-US');

export function count(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? INT.format(n) : '—';
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]!}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** `2026-11-22 12:03:01 UTC`: the server schedules in UTC, so the console shows UTC. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function between(from: string | null | undefined, to: string | null | undefined): number | undefined {
  if (!from || !to) return undefined;
  return Date.parse(to) - Date.parse(from);
}

export function rate(rows: number, ms: number | undefined): string {
  if (!ms || ms <= 0) return '—';
  return `${count(Math.round((rows * 1000) / ms))}/s`;
}

export function scheduleText(
  s: { mode: string; every: number; offset_minutes: number } | null | undefined,
): string {
  if (!s) return 'on request';
  const unit = s.mode === 'minutes' ? 'min' : s.mode === 'hours' ? 'h' : 'd';
  const at =
    s.mode === 'hours'
      ? ` at :${String(s.offset_minutes).padStart(2, '0')}`
      : s.mode === 'days'
        ? ` at ${hhmm(s.offset_minutes)} UTC`
        : '';
  return `every ${s.every} ${unit}${at}`;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Any value as one line of text (sample cells, state values). */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

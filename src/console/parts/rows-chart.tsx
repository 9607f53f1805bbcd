import type { Run } from '../api-types.js';
import { count, time } from '../format.js';

const W = 800;
const H = 180;
const PAD = { left: 56, right: 8, top: 10, bottom: 26 };

/**
 * Rows loaded per run, oldest to newest, one bar per run coloured by its status. Hand-drawn SVG
 * (about 60 lines) rather than a charting library: one chart, no axes to negotiate. The runs table
 * next to it carries the same numbers for keyboard and screen-reader users.
 */
export function RowsChart({ runs }: { runs: readonly Run[] }) {
  const done = runs
    .filter((r) => r.status !== 'queued' && r.status !== 'skipped')
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  if (done.length === 0) return <p class="muted">No finished runs to chart yet.</p>;
  const max = Math.max(1, ...done.map((r) => r.rows));
  const top = niceCeil(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / done.length;
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const y = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const first = done[0]!;
  const last = done[done.length - 1]!;
  const label = `Rows loaded per run: ${done.length} runs from ${time(first.created_at)} to ${time(last.created_at)}, at most ${count(max)} rows.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line class="grid-line" x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text class="axis" x={PAD.left - 6} y={y(top * f) + 4} text-anchor="end">
              {short(top * f)}
            </text>
          </g>
        ))}
        {done.map((r, i) => {
          const h = Math.max(r.rows > 0 ? 1 : 0, (r.rows / top) * plotH);
          return (
            <rect
              key={r.id}
              class={`bar bar-${r.status}`}
              x={PAD.left + i * slot + (slot - barW) / 2}
              y={PAD.top + plotH - h}
              width={barW}
              height={h}
            >
              <title>{`${r.id}: ${count(r.rows)} rows, ${r.status}, ${time(r.created_at)}`}</title>
            </rect>
          );
        })}
        <text class="axis" x={PAD.left} y={H - 6}>
          {time(first.created_at)}
        </text>
        <text class="axis" x={W - PAD.right} y={H - 6} text-anchor="end">
          {time(last.created_at)}
        </text>
      </svg>
      <figcaption class="muted">
        Rows loaded per run, oldest to newest; red and amber bars are failed and partially failed runs.
      </figcaption>
    </figure>
  );
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function short(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v));
}

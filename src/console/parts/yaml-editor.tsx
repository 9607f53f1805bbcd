import { useRef } from 'preact/hooks';
import type { PlacedIssue } from './yaml-fields.js';

interface Props {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onInput: (text: string) => void;
  readonly issues: readonly PlacedIssue[];
  readonly hint?: string;
}

/**
 * A YAML text area that shows each validation error on the line of its field: the line is marked
 * in the gutter and underlaid, the message is written at the end of the line, and the list below
 * (one button per error) puts the caret on that line. Plain `<textarea>`: Tab leaves it, as the
 * keyboard expects; no editor library.
 */
export function YamlEditor({ id, label, value, onInput, issues, hint }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const backdrop = useRef<HTMLDivElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split('\n');
  const byLine = new Map<number, string[]>();
  for (const i of issues)
    if (i.line !== undefined) byLine.set(i.line, [...(byLine.get(i.line) ?? []), i.message]);
  const listId = `${id}-errors`;

  const sync = (): void => {
    const t = area.current;
    if (!t) return;
    if (backdrop.current) {
      backdrop.current.scrollTop = t.scrollTop;
      backdrop.current.scrollLeft = t.scrollLeft;
    }
    if (gutter.current) gutter.current.scrollTop = t.scrollTop;
  };

  const goTo = (line: number): void => {
    const t = area.current;
    if (!t) return;
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    t.focus();
    t.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(t).lineHeight) || 20;
    t.scrollTop = Math.max(0, (line - 3) * lineHeight);
    sync();
  };

  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div class={`yaml-editor${issues.length ? ' has-errors' : ''}`}>
        <div class="yaml-gutter" ref={gutter} aria-hidden="true">
          {lines.map((_l, n) => (
            <div key={n} class={byLine.has(n + 1) ? 'gutter-line err' : 'gutter-line'}>
              {n + 1}
            </div>
          ))}
        </div>
        <div class="yaml-code">
          <div class="yaml-backdrop" ref={backdrop} aria-hidden="true">
            {lines.map((l, n) => {
              const errs = byLine.get(n + 1);
              return (
                <div key={n} class={errs ? 'code-line err' : 'code-line'}>
                  <span class="ghost">{l || ' '}</span>
                  {errs && <span class="lens">{`  ← ${errs.join('; ')}`}</span>}
                </div>
              );
            })}
          </div>
          <textarea
            id={id}
            ref={area}
            value={value}
            spellcheck={false}
            autocomplete="off"
            autocapitalize="off"
            wrap="off"
            rows={Math.min(28, Math.max(12, lines.length + 1))}
            aria-invalid={issues.length > 0}
            aria-describedby={
              [hint ? `${id}-hint` : '', issues.length ? listId : ''].filter(Boolean).join(' ') || undefined
            }
            onInput={(e) => onInput(e.currentTarget.value)}
            onScroll={sync}
          />
        </div>
      </div>
      {issues.length > 0 && (
        <ul class="field-errors" id={listId} aria-label="Problems in the config">
          {issues.map((i, n) => (
            <li key={n}>
              {i.line !== undefined ? (
                <button type="button" class="link-button" onClick={() => goTo(i.line!)}>
                  Line {i.line}
                </button>
              ) : (
                <span class="muted">—</span>
              )}{' '}
              <code>{i.field}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Secrets never reach logs, errors, run history or stage files. Two layers:
 * 1. every value that came from `{{ env.X }}` or sits in a secret config field is registered here
 *    and replaced wherever it appears in text;
 * 2. query parameters whose names look secret are masked in URLs even when we never saw the value.
 */
const SECRET_PARAM =
  /^(?:.*(?:token|secret|password|passwd|pwd|signature|sig|credential|auth|session)|api[-_]?key|apikey|key|access[-_]?key|client[-_]?secret|code)$/i;

export const MASK = '***';

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers a secret value; values shorter than 4 characters are too common to mask safely. */
  add(value: string | undefined | null): void {
    if (!value || value.length < 4 || this.secrets.has(value)) return;
    this.secrets.add(value);
    // Also mask the forms a secret takes on the wire.
    this.secrets.add(encodeURIComponent(value));
    this.secrets.add(Buffer.from(value).toString('base64'));
    this.pattern = undefined;
  }

  /** Registers a secret that is itself a composite, such as `user:password` for basic auth. */
  addComposite(value: string): void {
    this.add(value);
  }

  get size(): number {
    return this.secrets.size;
  }

  text(input: string): string {
    if (this.secrets.size === 0) return input;
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return input.replace(this.pattern, MASK);
  }

  url(input: string): string {
    return this.text(redactUrl(input));
  }

  /** Deep-redacts strings inside a JSON-like value. */
  value<T>(input: T): T {
    if (typeof input === 'string') return this.text(input) as T;
    if (Array.isArray(input)) return input.map((v: unknown) => this.value(v)) as T;
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[k] = this.value(v);
      return out as T;
    }
    return input;
  }
}

/** Masks userinfo and secret-looking query parameter values. Leaves unparsable input unchanged. */
export function redactUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    return input;
  }
  if (u.username) u.username = MASK;
  if (u.password) u.password = MASK;
  let changed = false;
  for (const name of [...new Set(u.searchParams.keys())]) {
    if (SECRET_PARAM.test(name)) {
      u.searchParams.set(name, MASK);
      changed = true;
    }
  }
  const out = u.toString();
  // URLSearchParams re-encodes `***`; keep the mask readable.
  return changed ? out.replaceAll(encodeURIComponent(MASK), MASK) : out;
}

export function isSecretParamName(name: string): boolean {
  return SECRET_PARAM.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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
    // Also mask every form the secret takes on the wire or in a file.
    for (const form of wireForms(value)) this.secrets.add(form);
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

  /** Deep-redacts strings inside a JSON-like value (binary values and other class instances are kept). */
  value<T>(input: T): T {
    if (typeof input === 'string') return this.text(input) as T;
    if (Array.isArray(input)) return input.map((v: unknown) => this.value(v)) as T;
    if (input && typeof input === 'object' && Object.getPrototypeOf(input) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[k] = this.value(v);
      return out as T;
    }
    return input;
  }
}

/**
 * The forms a secret takes once encoded: URL component and URI encoding, the WHATWG URL path and
 * query encodings (`'` → `%27`, space → `%20`), form encoding (space → `+`, `(` → `%28`), each
 * with lower-case hex too, JSON string escaping (`"` → `\"`, `\` → `\\`), JSON escaping of the
 * encoded forms, and base64/base64url.
 */
function wireForms(value: string): Set<string> {
  const forms = new Set<string>([value]);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  const encoded = [encodeURIComponent(value), encodeURI(value), form, form.replaceAll('+', '%20'), urlPart(value, 'query'), urlPart(value, 'path')];
  for (const e of encoded) {
    forms.add(e);
    forms.add(e.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  }
  for (const f of [...forms]) forms.add(JSON.stringify(f).slice(1, -1));
  const bytes = Buffer.from(value);
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64url'));
  forms.delete('');
  return forms;
}

/** How the WHATWG URL parser encodes `value` inside a query or a path. */
function urlPart(value: string, part: 'query' | 'path'): string {
  try {
    const u = new URL(part === 'query' ? `http://h/?${value}` : `http://h/${value}`);
    return part === 'query' ? u.search.slice(1) : u.pathname.slice(1);
  } catch {
    return value;
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

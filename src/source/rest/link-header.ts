/** One link of an RFC 8288 (formerly 5988) `Link` header. */
export interface Link {
  /** The target as written (possibly relative); resolve it against the request URL. */
  readonly url: string;
  /** Relation types, lower-cased: `rel="next last"` → ["next", "last"]. */
  readonly rel: readonly string[];
  /** All parameters, names lower-cased, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `Link` header: several comma-separated links, quoted or unquoted parameter values,
 * commas and semicolons inside quotes or inside `<…>`, and space-separated relation lists.
 * Malformed links are skipped rather than failing the page.
 *
 * @example
 * parseLinkHeader('<https://api.x/items?page=2>; rel="next", <https://api.x/items?page=9>; rel=last')
 * // → [{ url: 'https://api.x/items?page=2', rel: ['next'], … }, { url: '…page=9', rel: ['last'], … }]
 */
export function parseLinkHeader(header: string | undefined): Link[] {
  if (header === undefined) return [];
  const links: Link[] = [];
  let i = 0;
  const n = header.length;
  while (i < n) {
    const open = header.indexOf('<', i);
    if (open < 0) break;
    const close = header.indexOf('>', open + 1);
    if (close < 0) break;
    const url = header.slice(open + 1, close).trim();
    const params: Record<string, string> = {};
    i = close + 1;
    // Parameters until the comma that ends this link (outside quotes).
    while (i < n) {
      while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
      if (header[i] === ',') {
        i++;
        break;
      }
      if (header[i] !== ';') {
        // Junk between links: skip to the next link.
        const next = header.indexOf('<', i);
        i = next < 0 ? n : next;
        break;
      }
      i++;
      const eq = scanName(header, i);
      const name = header.slice(i, eq).trim().toLowerCase();
      i = eq;
      let value = '';
      if (header[i] === '=') {
        i++;
        while (i < n && header[i] === ' ') i++;
        if (header[i] === '"') {
          const [v, end] = readQuoted(header, i + 1);
          value = v;
          i = end;
        } else {
          const end = scanToken(header, i);
          value = header.slice(i, end).trim();
          i = end;
        }
      }
      if (name !== '' && !(name in params)) params[name] = value;
    }
    const rel = (params['rel'] ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter((r) => r !== '');
    links.push({ url, rel, params });
  }
  return links;
}

/** The target of the first link with relation `rel` ("next" by default), if any. */
export function findLink(header: string | undefined, rel = 'next'): string | undefined {
  return parseLinkHeader(header).find((l) => l.rel.includes(rel))?.url;
}

function scanName(s: string, i: number): number {
  while (i < s.length && s[i] !== '=' && s[i] !== ';' && s[i] !== ',') i++;
  return i;
}

function scanToken(s: string, i: number): number {
  while (i < s.length && s[i] !== ';' && s[i] !== ',') i++;
  return i;
}

function readQuoted(s: string, i: number): [string, number] {
  let out = '';
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\' && i + 1 < s.length) i++;
    out += s[i];
    i++;
  }
  return [out, i + 1];
}

/**
 * A Snowflake SQL tokenizer: just enough to find statement shapes, fold unquoted identifiers to
 * upper case (Snowflake's rule), decode string literals (which accept backslash escapes in
 * Snowflake but not in DuckDB), and substitute binds.
 */
import { SfError } from './sf-error.js';

export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'stage' | 'bind' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /**
   * word: as written; ident: the unescaped quoted name; string: the decoded value; stage: the raw
   * reference after `@`; bind: `?` or `:n`; punct: the operator.
   */
  readonly text: string;
}

const PUNCT = [
  '::',
  '<>',
  '!=',
  '>=',
  '<=',
  '||',
  '(',
  ')',
  ',',
  '.',
  '=',
  ';',
  '*',
  '+',
  '-',
  '/',
  '<',
  '>',
  '%',
  ':',
];

/** Splits SQL text into tokens; comments and whitespace are dropped. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'") {
      const [value, next] = readString(sql, i);
      out.push({ kind: 'string', text: value });
      i = next;
    } else if (c === '$' && sql[i + 1] === '$') {
      const end = sql.indexOf('$$', i + 2);
      if (end < 0) throw syntax('unterminated $$ string');
      out.push({ kind: 'string', text: sql.slice(i + 2, end) });
      i = end + 2;
    } else if (c === '"') {
      const [value, next] = readQuoted(sql, i);
      out.push({ kind: 'ident', text: value });
      i = next;
    } else if (c === '@') {
      const start = i + 1;
      i = start;
      let inQuote = false;
      while (i < n) {
        const d = sql[i] as string;
        if (d === '"') inQuote = !inQuote;
        else if (!inQuote && (/\s/.test(d) || d === ';' || d === ')' || d === ',')) break;
        i++;
      }
      out.push({ kind: 'stage', text: sql.slice(start, i) });
    } else if (c === '?') {
      out.push({ kind: 'bind', text: '?' });
      i++;
    } else if (c === ':' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && /[0-9]/.test(sql[j] as string)) j++;
      out.push({ kind: 'bind', text: sql.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i));
      const text = m?.[0] ?? c;
      out.push({ kind: 'number', text });
      i += text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j] as string)) j++;
      out.push({ kind: 'word', text: sql.slice(i, j) });
      i = j;
    } else {
      const p = PUNCT.find((op) => sql.startsWith(op, i));
      if (!p) throw syntax(`unexpected '${c}' at position ${i}`);
      out.push({ kind: 'punct', text: p });
      i += p.length;
    }
  }
  while (out.length > 0 && isPunct(out[out.length - 1], ';')) out.pop();
  if (out.some((t) => isPunct(t, ';'))) {
    throw new SfError(
      '000008',
      '0A000',
      'Actual statement count 2 did not match the desired statement count 1.',
    );
  }
  return out;
}

function readString(sql: string, start: number): [string, number] {
  let i = start + 1;
  let value = '';
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === '\\') {
      const e = sql[i + 1] ?? '';
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };
      value += map[e] ?? e;
      i += 2;
    } else if (c === "'") {
      if (sql[i + 1] === "'") {
        value += "'";
        i += 2;
      } else {
        return [value, i + 1];
      }
    } else {
      value += c;
      i++;
    }
  }
  throw syntax('unterminated string literal');
}

function readQuoted(sql: string, start: number): [string, number] {
  let i = start + 1;
  let value = '';
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === '"') {
      if (sql[i + 1] === '"') {
        value += '"';
        i += 2;
      } else {
        return [value, i + 1];
      }
    } else {
      value += c;
      i++;
    }
  }
  throw syntax('unterminated quoted identifier');
}

function syntax(detail: string): SfError {
  return new SfError('001003', '42000', `SQL compilation error:\nsyntax error: ${detail}`);
}

export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t?.kind === 'word' && words.includes(t.text.toUpperCase());
}

export function isPunct(t: Token | undefined, p: string): boolean {
  return t?.kind === 'punct' && t.text === p;
}

/** The name an identifier token resolves to: unquoted words fold to upper case, quoted stay as written. */
export function identName(t: Token): string {
  if (t.kind === 'word') return t.text.toUpperCase();
  if (t.kind === 'ident') return t.text;
  throw syntax(`expected an identifier, got '${t.text}'`);
}

export function isIdent(t: Token | undefined): t is Token {
  return t?.kind === 'word' || t?.kind === 'ident';
}

/** Renders a SQL string literal for DuckDB (no backslash escapes there). */
export function duckString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders an identifier for DuckDB, always quoted so the stored case is exact. */
export function duckIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A cursor over tokens with the small set of moves the statement parsers need; every failed
 * expectation is a Snowflake-style syntax error naming what was expected.
 */
export class TokenCursor {
  pos = 0;
  constructor(readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }
  next(): Token {
    const t = this.tokens[this.pos];
    if (!t) throw syntax('unexpected end of statement');
    this.pos++;
    return t;
  }
  acceptWord(...words: string[]): boolean {
    if (isWord(this.peek(), ...words)) {
      this.pos++;
      return true;
    }
    return false;
  }
  acceptWords(...seq: string[]): boolean {
    if (seq.every((w, k) => isWord(this.peek(k), w))) {
      this.pos += seq.length;
      return true;
    }
    return false;
  }
  expectWord(...words: string[]): string {
    const t = this.peek();
    if (!isWord(t, ...words)) throw syntax(`expected ${words.join(' or ')}, got '${t?.text ?? 'end'}'`);
    this.pos++;
    return (t as Token).text.toUpperCase();
  }
  acceptPunct(p: string): boolean {
    if (isPunct(this.peek(), p)) {
      this.pos++;
      return true;
    }
    return false;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw syntax(`expected '${p}', got '${this.peek()?.text ?? 'end'}'`);
  }
  expectIdent(): string {
    return identName(this.next());
  }
  /** A dotted name of 1 to 3 parts. */
  qualifiedName(): string[] {
    const parts = [this.expectIdent()];
    while (isPunct(this.peek(), '.') && isIdent(this.peek(1)) && parts.length < 3) {
      this.pos++;
      parts.push(this.expectIdent());
    }
    return parts;
  }
  /** Tokens up to (not including) the matching close paren of the paren just consumed. */
  untilClose(): Token[] {
    let depth = 1;
    const start = this.pos;
    while (!this.done()) {
      const t = this.next();
      if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')') && --depth === 0) return this.tokens.slice(start, this.pos - 1);
    }
    throw syntax("missing ')'");
  }
  rest(): Token[] {
    const r = this.tokens.slice(this.pos);
    this.pos = this.tokens.length;
    return r;
  }
  expectEnd(): void {
    if (!this.done()) throw syntax(`unexpected '${this.peek()?.text ?? ''}'`);
  }
}

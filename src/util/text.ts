/** Any value as short display text: strings as they are, objects as JSON. */
export function toText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return v.toString();
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return v.description ?? 'symbol';
    case 'function':
      return '[function]';
    case 'object':
      return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  }
}

/**
 * The table dlt's default naming (snake_case) gives a resource name: lower case, runs of other
 * characters as one `_`, camelCase split, a leading digit prefixed with `_`.
 */
export function dltTableName(name: string): string {
  let s = name.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  s = s.replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_');
  if (/^\d/.test(s)) s = `_${s}`;
  return s === '' ? '_empty' : s;
}

/**
 * floe's words → dlt's, for messages about a translated dlt config: a fix suggested in floe's
 * vocabulary (`on_missing`, `records_path`) is useless to someone who can only write dlt keys.
 * Endpoint `i` is resource `i` (the translation keeps the order).
 */
const WORDS: readonly (readonly [RegExp, string])[] = [
  [/\bendpoints\[(\d+)\]\.(parent|load|table_name|write_disposition|primary_key|schema|merge_strategy|validity_columns)\b/g, 'resources[$1].$2'],
  [/\bendpoints\[(\d+)\]/g, 'resources[$1].endpoint'],
  [/\bresources\[(\d+)\]\.endpoint\.pagination\b/g, 'resources[$1].endpoint.paginator'],
  [/^base_url\b/g, 'client.base_url'],
  [/(^|\s)(auth|headers)\./g, '$1client.$2.'],
  [/\brecords_path\b/g, 'data_selector'],
  [/\bquery_params\b/g, 'params'],
  [/\bbody_format\b/g, 'data'],
  [/\bon_missing\b/g, 'on_cursor_value_missing'],
  [/\blookback\b/g, 'lag'],
  [/\blimit_value\b/g, 'limit'],
  [/\bstart_offset\b/g, 'offset'],
  [/\bstart_page\b/g, 'page'],
  [/\btotal_pages_path\b/g, 'total_path'],
  [/\bnext_link_path\b/g, 'next_url_path'],
  [/\bcursor_header\b/g, 'cursor_key'],
  [/\bkey_value\b/g, 'api_key'],
  [/\bkey_name\b/g, 'name'],
  [/\btoken_url\b/g, 'access_token_url'],
  [/\btoken_request_data\b/g, 'access_token_request_data'],
  [/\bload: false\b/g, 'selected: false'],
  [/\bschema\[(\d+)\]/g, 'columns[$1]'],
];

/** The message with floe's paths and key names in dlt's spelling. */
export function inDltWords(message: string): string {
  return message
    .split('\n')
    .map((line) => WORDS.reduce((s, [re, to]) => s.replace(re, to), line))
    .join('\n');
}

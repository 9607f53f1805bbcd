import { isUtf8 } from 'node:buffer';


/**
 * Decodes a response body as UTF-8 and counts the invalid byte sequences, which the decoder
 * replaces with U+FFFD: a run summary reports them instead of loading changed text silently.
 * Valid bodies (nearly all) cost one native `isUtf8` check.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; invalidUtf8: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('utf8');
  if (isUtf8(buf)) return { text, invalidUtf8: 0 };
  let replaced = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) replaced++;
  // U+FFFD that the body really contained (EF BF BD) are not errors.
  let genuine = 0;
  for (let i = buf.indexOf(EF_BF_BD); i >= 0; i = buf.indexOf(EF_BF_BD, i + 3)) genuine++;
  return { text, invalidUtf8: Math.max(1, replaced - genuine) };
}

const EF_BF_BD = Buffer.from([0xef, 0xbf, 0xbd]);

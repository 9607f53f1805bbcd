import { floeConfig } from '../config/schema.js';
import { pathPattern, secretFieldPaths } from '../config/secret-fields.js';
import { hasTemplate } from '../config/template.js';
import { FloeError } from '../util/errors.js';
import { MASK } from '../util/redact.js';
import { isSealed, type SecretBox } from './secret-box.js';

/**
 * Which fields of a native config tree hold secrets: every field the config schema declares with
 * `secret()` (source and endpoint auth, warehouse credentials: the one list), plus headers and
 * query parameters whose names say they carry one (Authorization, X-API-Key, access_token, …),
 * which no schema can declare. Literal values there are sealed at rest and masked in the API;
 * `{{ env.X }}` references are not secrets (the value lives in the server's environment) and are
 * kept as written.
 */
const SECRET_FIELDS: ReadonlySet<string> = secretFieldPaths(floeConfig);
const NAMED_FIELDS = /^(?:endpoints\[\d+\]\.)?(?:headers|query_params)\.([^.[\]]+)$/;
const SECRET_NAME = /authorization|token|secret|password|passwd|api[-_]?key|apikey|credential|signature|cookie|session|^key$|^sig$/i;

export function isSecretPath(path: string): boolean {
  if (SECRET_FIELDS.has(pathPattern(path))) return true;
  const m = NAMED_FIELDS.exec(path);
  return m !== null && SECRET_NAME.test(m[1]!);
}

type Visit = (value: string, path: string) => string;

/** A copy of `tree` with `visit` applied to every string at a secret path. */
function mapSecrets(tree: unknown, visit: Visit, path = ''): unknown {
  if (typeof tree === 'string') return path && isSecretPath(path) ? visit(tree, path) : tree;
  if (Array.isArray(tree)) return tree.map((v, i) => mapSecrets(v, visit, `${path}[${i}]`));
  if (tree && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = mapSecrets(v, visit, path ? `${path}.${k}` : k);
    return out;
  }
  return tree;
}

function valueAt(tree: unknown, path: string): unknown {
  let cur = tree;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Seals every literal secret of `tree` for connector `owner`. A secret sent back masked (`***`, as
 * the API returns it) keeps the sealed value `previous` holds at the same path, so a client can
 * round-trip a connector without knowing its secrets.
 */
export function sealSecrets(tree: unknown, box: SecretBox, owner: string, previous?: unknown): unknown {
  return mapSecrets(tree, (value, path) => {
    if (value === MASK) {
      const before = valueAt(previous, path);
      if (isSealed(before)) return before;
      throw new FloeError('CONFIG_INVALID', 'config', `${path}: "${MASK}" stands for a stored secret, but there is none here; send the value`, {
        details: { path },
      });
    }
    if (isSealed(value)) return box.seal(box.open(value, aad(owner, path)), aad(owner, path));
    if (hasTemplate(value)) return value;
    return box.seal(value, aad(owner, path));
  });
}

/** The plaintext tree, for validation and runs (never for responses). */
export function openSecrets(tree: unknown, box: SecretBox, owner: string): unknown {
  return mapSecrets(tree, (value, path) => (isSealed(value) ? box.open(value, aad(owner, path)) : value));
}

/** What the API returns: sealed values as `***`. */
export function maskSecrets(tree: unknown): unknown {
  return mapSecrets(tree, (value) => (isSealed(value) ? MASK : value));
}

/** Every sealed value re-encrypted under the box's current key (`floe keys rotate`). */
export function resealSecrets(tree: unknown, box: SecretBox, owner: string): unknown {
  return mapSecrets(tree, (value, path) => (isSealed(value) ? box.seal(box.open(value, aad(owner, path)), aad(owner, path)) : value));
}

function aad(owner: string, path: string): string {
  return `${owner}\u0000${path}`;
}

/**
 * Login checks for the authenticators floe uses: SNOWFLAKE (password), SNOWFLAKE_JWT (RS256 key
 * pair, verified against the registered public key and its SHA-256 fingerprint), OAUTH and
 * PROGRAMMATIC_ACCESS_TOKEN (a registered token).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { SfError } from './sf-error.js';

/** A user the emulator accepts; every credential is optional. */
export interface EmulatorUser {
  readonly password?: string;
  /** PEM of the RSA public key registered as RSA_PUBLIC_KEY. */
  readonly publicKeyPem?: string;
  /** Accepted OAuth access tokens and programmatic access tokens. */
  readonly tokens?: readonly string[];
}

export interface LoginBody {
  readonly LOGIN_NAME?: string;
  readonly ACCOUNT_NAME?: string;
  readonly AUTHENTICATOR?: string;
  readonly PASSWORD?: string;
  readonly TOKEN?: string;
}

const badCredentials = (): SfError =>
  new SfError('390100', '08004', 'Incorrect username or password was specified.');

/** Returns the upper-cased user name when the login is valid; throws the Snowflake error otherwise. */
export function authenticate(body: LoginBody, users: ReadonlyMap<string, EmulatorUser>, now: number): string {
  const name = (body.LOGIN_NAME ?? '').toUpperCase();
  const user = users.get(name);
  const authenticator = (body.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  if (!user) throw badCredentials();
  switch (authenticator) {
    case 'SNOWFLAKE':
      if (user.password === undefined || body.PASSWORD !== user.password) throw badCredentials();
      return name;
    case 'SNOWFLAKE_JWT':
      verifyJwt(body.TOKEN ?? '', name, body.ACCOUNT_NAME ?? '', user, now);
      return name;
    case 'OAUTH':
      if (!body.TOKEN || !user.tokens?.includes(body.TOKEN))
        throw new SfError('390303', '08004', 'Invalid OAuth access token.');
      return name;
    case 'PROGRAMMATIC_ACCESS_TOKEN':
      if (!body.TOKEN || !user.tokens?.includes(body.TOKEN)) throw badCredentials();
      return name;
    default:
      throw new SfError(
        '390190',
        '08004',
        `Authenticator ${authenticator} is not supported by the floe Snowflake emulator.`,
      );
  }
}

/** The `SHA256:<base64>` fingerprint of a public key's DER SubjectPublicKeyInfo, as in `iss`. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

const jwtInvalid = (why: string): SfError => new SfError('390144', '08004', `JWT token is invalid. (${why})`);

function verifyJwt(
  token: string,
  user: string,
  account: string,
  registered: EmulatorUser,
  now: number,
): void {
  if (!registered.publicKeyPem) throw jwtInvalid('no public key registered');
  const [h, p, sig] = token.split('.');
  if (!h || !p || !sig) throw jwtInvalid('malformed');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  if (header.alg !== 'RS256') throw jwtInvalid('alg');
  if (
    !verify('RSA-SHA256', Buffer.from(`${h}.${p}`), registered.publicKeyPem, Buffer.from(sig, 'base64url'))
  ) {
    throw jwtInvalid('signature');
  }
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
    iss?: string;
    sub?: string;
    exp?: number;
  };
  // The account part before any region suffix, as Snowflake reads it.
  const acct = account.split('.')[0]?.toUpperCase() ?? '';
  const sub = `${acct}.${user}`;
  if (claims.sub !== sub) throw jwtInvalid('sub');
  if (claims.iss !== `${sub}.${publicKeyFingerprint(registered.publicKeyPem)}`) throw jwtInvalid('iss');
  // snowflake-sdk 3.3.0 sends iat/exp in milliseconds; the JWT standard says seconds: accept both.
  const exp = claims.exp ?? 0;
  const expMs = exp > 1e12 ? exp : exp * 1000;
  if (expMs < now) throw jwtInvalid('expired');
}

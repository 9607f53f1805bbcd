import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import { iso, isoOrNull, newId } from './ids.js';
import type { SqlClient } from './sql-client.js';

export interface TokenInfo {
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
  readonly read_only: boolean;
  readonly created_at: string;
  readonly revoked_at: string | null;
  readonly last_used_at: string | null;
}

interface TokenRow {
  id: string;
  tenant: string;
  name: string;
  read_only: boolean;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/**
 * API bearer tokens. Only a SHA-256 of each token is stored (tokens are 256 random bits, so a
 * plain hash is enough); the token itself is shown once, when created.
 */
export class TokenRepo {
  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
  ) {}

  async create(opts: { tenant: string; name: string; readOnly: boolean }): Promise<{ token: string; info: TokenInfo }> {
    const token = `floe_${randomBytes(32).toString('base64url')}`;
    const rows = await this.db.query<TokenRow>(
      `INSERT INTO api_tokens (id, tenant, name, token_hash, read_only, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz) RETURNING *`,
      [newId('tok'), opts.tenant, opts.name, hashToken(token), opts.readOnly, new Date(this.clock.now()).toISOString()],
    );
    return { token, info: toInfo(rows[0]!) };
  }

  /** The live (not revoked) token this bearer value names, if any. */
  async authenticate(token: string): Promise<TokenInfo | undefined> {
    const rows = await this.db.query<TokenRow>(
      `UPDATE api_tokens SET last_used_at = $2::timestamptz WHERE token_hash = $1 AND revoked_at IS NULL RETURNING *`,
      [hashToken(token), new Date(this.clock.now()).toISOString()],
    );
    return rows[0] ? toInfo(rows[0]) : undefined;
  }

  async list(tenant?: string): Promise<TokenInfo[]> {
    const rows = await this.db.query<TokenRow>(
      `SELECT * FROM api_tokens WHERE ($1::text IS NULL OR tenant = $1) ORDER BY created_at, id`,
      [tenant ?? null],
    );
    return rows.map(toInfo);
  }

  /** Revokes a token; false when there is no such live token (in `tenant`, when given). */
  async revoke(id: string, tenant?: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE api_tokens SET revoked_at = $2::timestamptz WHERE id = $1 AND revoked_at IS NULL AND ($3::text IS NULL OR tenant = $3) RETURNING id`,
      [id, new Date(this.clock.now()).toISOString(), tenant ?? null],
    );
    return rows.length > 0;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toInfo(r: TokenRow): TokenInfo {
  return {
    id: r.id,
    tenant: r.tenant,
    name: r.name,
    read_only: r.read_only,
    created_at: iso(r.created_at),
    revoked_at: isoOrNull(r.revoked_at),
    last_used_at: isoOrNull(r.last_used_at),
  };
}

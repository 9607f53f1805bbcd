import type { EndpointConfig, FloeConfig } from '../../config/schema.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { Auth } from './auth/auth.js';
import { createAuth } from './auth/create-auth.js';
import { createHttpClient } from './http-client.js';
import type { Transport } from './http.js';
import type { RequestLimiter } from './request-limiter.js';

/** What every client of one source shares. */
export interface EndpointClientsDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** The bare transport (one connection pool). */
  readonly transport: Transport;
  /** The connector's one rate limiter (or a shared budget): endpoints with their own auth spend the same budget. */
  readonly limiter: RequestLimiter;
  readonly trusts: (url: string) => boolean;
  readonly retryJitter?: number | undefined;
  readonly random?: (() => number) | undefined;
}

/**
 * The HTTP clients of one source: the connector's (with its `auth`), and one per endpoint that has
 * its own `auth` (created on first use, by endpoint name). They differ only in the auth layer.
 */
export class EndpointClients {
  readonly connectorAuth: Auth | undefined;
  private readonly connector: Transport;
  private readonly own = new Map<string, Transport>();

  constructor(
    private readonly config: FloeConfig,
    private readonly deps: EndpointClientsDeps,
  ) {
    this.connectorAuth = this.auth(config.auth);
    this.connector = this.clientWith(this.connectorAuth);
  }

  /** The client of `endpoint`: its own `auth` overrides the connector's. */
  for(endpoint: EndpointConfig, name: string): Transport {
    if (endpoint.auth === undefined) return this.connector;
    let client = this.own.get(name);
    if (client === undefined) {
      client = this.clientWith(this.auth(endpoint.auth));
      this.own.set(name, client);
    }
    return client;
  }

  private auth(config: FloeConfig['auth']): Auth | undefined {
    const { clock, logger, redactor, transport } = this.deps;
    return createAuth(config, { clock, logger, redactor, transport });
  }

  private clientWith(auth: Auth | undefined): Transport {
    const { clock, logger, redactor, transport, limiter, trusts, retryJitter, random } = this.deps;
    return createHttpClient(this.config, { clock, logger, redactor, transport, limiter, auth, trusts, retryJitter, random });
  }
}

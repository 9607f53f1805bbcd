import type { ResponseActionConfig } from '../../config/schema.js';
import type { HttpResponse } from './http.js';

/** What to do with a response: use it, back off and retry it, end the endpoint without it, or fail. */
export type ResponseAction = 'ok' | 'retry' | 'ignore' | 'fail';

/** One rule of the table: a status, a body substring, or both, and the action when they match. */
export interface ResponseRule {
  readonly status?: number;
  readonly content?: string;
  readonly action: Exclude<ResponseAction, 'ok'>;
  /** Where the rule comes from, for messages (`endpoints[issues].response_actions[0]`, `default`). */
  readonly source: string;
}

/** Retried by default (`retry.retry_on` replaces them): rate limited, and momentary server errors. */
export const DEFAULT_RETRY_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

/** The rules every policy ends with: the retried statuses. Any other non-2xx fails. */
function retryRules(statuses: readonly number[]): ResponseRule[] {
  return statuses.map((status) => ({ status, action: 'retry', source: 'default' }));
}

/**
 * The response policy of one endpoint: a table of rules, first match wins — the endpoint's
 * `response_actions`, then the connector's, then the retried statuses (429/500/502/503/504, or
 * `retry.retry_on`);
 * an unmatched 2xx is `ok`, any other unmatched status `fail`.
 *
 * @example
 * response_actions:
 *   - { status_code: 404, action: ignore }          # a deleted parent: no comments, no failure
 *   - { content: "rate limit exceeded", action: retry } # a 200 that is really a 429
 */
export class ResponsePolicy {
  private readonly rules: readonly ResponseRule[];

  constructor(retryStatuses: readonly number[], ...sets: readonly (readonly ResponseRule[])[]) {
    this.rules = [...sets.flat(), ...retryRules(retryStatuses)];
  }

  /** Rules from config `response_actions`, tagged with where they were written. */
  static fromConfig(actions: readonly ResponseActionConfig[] | undefined, where: string): ResponseRule[] {
    return (actions ?? []).map((a, i) => ({
      ...(a.status_code !== undefined ? { status: Number(a.status_code) } : {}),
      ...(a.content !== undefined ? { content: a.content } : {}),
      action: a.action,
      source: `${where}[${i}]`,
    }));
  }

  /** The first matching rule, if any. */
  match(res: Pick<HttpResponse, 'status' | 'body'>): ResponseRule | undefined {
    return this.rules.find(
      (r) => (r.status === undefined || r.status === res.status) && (r.content === undefined || res.body.includes(r.content)),
    );
  }

  decide(res: Pick<HttpResponse, 'status' | 'body'>): ResponseAction {
    const rule = this.match(res);
    if (rule !== undefined) return rule.action;
    return res.status >= 200 && res.status < 300 ? 'ok' : 'fail';
  }
}

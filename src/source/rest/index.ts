/** The REST API source: what `run/` uses. */
export { RestSource, type RestSourceDeps, type PagesOptions } from './rest-source.js';
export type { TemplateVars } from './render-templates.js';
export { RESUME_SUPPORT, canResume, type ResumeSupport } from './paginators/resume-support.js';
export type { HttpRequest, HttpResponse, Transport, Middleware } from './http.js';
export { createUndiciTransport, type PooledTransport } from './undici-transport.js';
export type { RequestLimiter } from './request-limiter.js';
export { RateLimiter, rateLimitIntervalMs } from './rate-limiter.js';
export { rateBudgetKey } from './rate-budget-key.js';

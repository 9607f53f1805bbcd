import type { LogFields, Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';

/**
 * A logger that masks one connector's secrets before its lines reach the server's log: the
 * server's logger is shared by every connector, so it cannot know them all.
 */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  const r = (f?: LogFields): LogFields | undefined => (f ? redactor.value(f) : f);
  return {
    debug: (m, f) => inner.debug(redactor.text(m), r(f)),
    info: (m, f) => inner.info(redactor.text(m), r(f)),
    warn: (m, f) => inner.warn(redactor.text(m), r(f)),
    error: (m, f) => inner.error(redactor.text(m), r(f)),
    child: (f) => redactingLogger(inner.child(redactor.value(f)), redactor),
  };
}

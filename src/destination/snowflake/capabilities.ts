import type { DestinationCapabilities } from '../../types.js';

/**
 * Snowflake folds unquoted identifiers to upper case, and DDL commits any open transaction
 * implicitly, so floe runs all DDL before a load's transaction, never inside it.
 */
export const snowflakeCapabilities: DestinationCapabilities = Object.freeze({
  identifierCase: 'upper',
  transactionalDdl: false,
});

-- The ledger claim lock: a commit transaction starts with a MERGE of the 'ledger' row, which
-- waits for any other transaction holding it (INSERTs would run in parallel, and Snowflake
-- enforces no unique keys), so two loaders never both commit one (run, connector, endpoint).
CREATE TABLE IF NOT EXISTS {{locks}} (
  "NAME" VARCHAR NOT NULL,
  "HOLDER" VARCHAR,
  "LOCKED_AT" TIMESTAMP_TZ(3)
)

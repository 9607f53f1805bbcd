-- Endpoint state (e.g. incremental cursors) as JSON text, one row per (connector, endpoint).
CREATE TABLE IF NOT EXISTS {{state}} (
  "CONNECTOR" VARCHAR NOT NULL,
  "ENDPOINT" VARCHAR NOT NULL,
  "VALUE" VARCHAR NOT NULL,
  "RUN_ID" VARCHAR,
  "UPDATED_AT" TIMESTAMP_TZ(3) NOT NULL
)

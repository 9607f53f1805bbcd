-- floe's own tables in each destination schema. {{schema}} is replaced with the quoted schema name.
-- The loads ledger: one row per (run, endpoint) whose data is committed, written in the same
-- transaction as that data, so a resumed run knows exactly what already landed.
CREATE TABLE IF NOT EXISTS {{schema}}."_floe_loads" (
  run_id      VARCHAR NOT NULL,
  endpoint    VARCHAR NOT NULL,
  table_name  VARCHAR NOT NULL,
  files       INTEGER NOT NULL,
  rows        BIGINT NOT NULL,
  status      VARCHAR NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (run_id, endpoint)
);
-- Endpoint state (incremental cursors), committed with the data it describes.
CREATE TABLE IF NOT EXISTS {{schema}}."_floe_state" (
  endpoint   VARCHAR PRIMARY KEY,
  state      VARCHAR NOT NULL,
  run_id     VARCHAR,
  updated_at TIMESTAMPTZ NOT NULL
);

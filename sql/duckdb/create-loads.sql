-- The loads ledger: one row per (run, connector, endpoint) whose data is committed, written in the
-- same transaction as that data, so a resumed run knows exactly what already landed.
CREATE TABLE IF NOT EXISTS {{loads}} (
  run_id            VARCHAR NOT NULL,
  connector         VARCHAR NOT NULL,
  endpoint          VARCHAR NOT NULL,
  table_name        VARCHAR NOT NULL,
  write_disposition VARCHAR NOT NULL,
  files             INTEGER NOT NULL,
  rows              BIGINT NOT NULL,
  status            VARCHAR NOT NULL,
  started_at        TIMESTAMPTZ NOT NULL,
  finished_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (run_id, connector, endpoint)
)

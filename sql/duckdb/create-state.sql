-- Endpoint state (incremental cursors), committed with the data it describes.
CREATE TABLE IF NOT EXISTS {{state}} (
  connector  VARCHAR NOT NULL,
  endpoint   VARCHAR NOT NULL,
  state      VARCHAR NOT NULL,
  run_id     VARCHAR,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (connector, endpoint)
)

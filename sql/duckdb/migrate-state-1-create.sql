-- State from before floe keyed it by connector had PRIMARY KEY (endpoint); DuckDB cannot change a
-- primary key, so the table is rebuilt, in one transaction, with connector '' for the old rows
-- (the first connector to read such a row adopts it).
CREATE TABLE {{state_next}} (
  connector  VARCHAR NOT NULL,
  endpoint   VARCHAR NOT NULL,
  state      VARCHAR NOT NULL,
  run_id     VARCHAR,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (connector, endpoint)
)

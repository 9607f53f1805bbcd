-- floe serve's store: the same SQL on PGlite (embedded) and PostgreSQL (replicas).
-- Instants are timestamptz; JSON is jsonb; ids are prefixed text (con_…, tok_…), run ids are floe's.

CREATE TABLE floe_meta (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);

CREATE TABLE api_tokens (
  id           text PRIMARY KEY,
  tenant       text NOT NULL,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,          -- sha256 of the token; the token itself is never stored
  read_only    boolean NOT NULL,
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);

CREATE TABLE connectors (
  id         text PRIMARY KEY,
  tenant     text NOT NULL,
  name       text NOT NULL,
  dialect    text NOT NULL,
  config     jsonb NOT NULL,                    -- floe's native tree; secret fields AES-256-GCM encrypted
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (tenant, name)
);
CREATE INDEX connectors_page ON connectors (tenant, created_at, id);

CREATE TABLE schedules (
  connector_id   text PRIMARY KEY REFERENCES connectors (id) ON DELETE CASCADE,
  tenant         text NOT NULL,
  mode           text NOT NULL CHECK (mode IN ('minutes', 'hours', 'days')),
  every          integer NOT NULL CHECK (every > 0),
  offset_minutes integer NOT NULL DEFAULT 0,
  anchor_at      timestamptz NOT NULL,            -- slots are anchor_at + k·every
  next_fire_at   timestamptz NOT NULL,
  last_fired_at  timestamptz,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_fire_at);

CREATE TABLE runs (
  id               text PRIMARY KEY,                -- floe's run id, the destination ledger's key
  tenant           text NOT NULL,
  connector_id     text NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  status           text NOT NULL,                   -- queued|running|succeeded|partially_failed|failed|cancelled|skipped
  trigger          text NOT NULL,                   -- manual|schedule|schedule_first|catch_up
  endpoints        jsonb,                           -- requested endpoint names; null = all
  config           jsonb,                           -- the connector's config when requested (secrets encrypted)
  record           jsonb,                           -- floe's run record, as the CLI writes it
  reason           text,                            -- why a run was skipped or cancelled
  request_id       text,
  scheduled_for    timestamptz,
  created_at       timestamptz NOT NULL,
  started_at       timestamptz,
  finished_at      timestamptz,
  worker_id        text,
  heartbeat_at     timestamptz,
  attempts         integer NOT NULL DEFAULT 0,
  cancel_requested boolean NOT NULL DEFAULT false
);
-- Never two runs of one connector at once: at most one queued or running row per connector.
CREATE UNIQUE INDEX runs_one_active ON runs (connector_id) WHERE status IN ('queued', 'running');
CREATE INDEX runs_page ON runs (tenant, created_at DESC, id DESC);
CREATE INDEX runs_claim ON runs (created_at) WHERE status IN ('queued', 'running');

CREATE TABLE backfills (
  id               text PRIMARY KEY,
  tenant           text NOT NULL,
  connector_id     text NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  status           text NOT NULL,                   -- queued|running|succeeded|partially_failed|failed|cancelled
  params           jsonb NOT NULL,                  -- from, to, step, endpoints, concurrency
  config           jsonb NOT NULL,
  record           jsonb,                           -- floe's backfill record (one unit per window × endpoint)
  request_id       text,
  created_at       timestamptz NOT NULL,
  started_at       timestamptz,
  finished_at      timestamptz,
  worker_id        text,
  heartbeat_at     timestamptz,
  attempts         integer NOT NULL DEFAULT 0,
  cancel_requested boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX backfills_one_active ON backfills (connector_id) WHERE status IN ('queued', 'running');
CREATE INDEX backfills_page ON backfills (tenant, created_at DESC, id DESC);

-- Request budgets shared by every worker: the next free slot, and a pause any 429 can set.
CREATE TABLE rate_budgets (
  key           text PRIMARY KEY,
  next_at       timestamptz NOT NULL,
  blocked_until timestamptz
);

-- Short-lived, single-use WebSocket tickets (browsers cannot send Authorization on a WebSocket).
CREATE TABLE ws_tickets (
  ticket_hash text PRIMARY KEY,
  tenant      text NOT NULL,
  expires_at  timestamptz NOT NULL
);

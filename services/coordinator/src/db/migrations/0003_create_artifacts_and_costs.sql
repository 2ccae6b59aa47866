-- What each step produced, and what it cost.

CREATE TABLE artifacts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step_id integer NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
  -- e.g. 'math_training_ready.jsonl'; a step that runs again replaces its artifact of this name.
  name text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  media_type text NOT NULL DEFAULT '',
  uri text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (step_id, name)
);

CREATE INDEX artifacts_run_idx ON artifacts (run_id);

-- Append-only: time spent by an attempt that crashed was still spent, so a resumed step adds
-- lines instead of replacing them; the report sums them per step.
CREATE TABLE costs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step_id integer NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
  wall_seconds double precision NOT NULL DEFAULT 0 CHECK (wall_seconds >= 0),
  device_seconds double precision NOT NULL DEFAULT 0 CHECK (device_seconds >= 0),
  -- 'cpu', 'cuda', ...
  device_kind text NOT NULL,
  tokens_in bigint NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
  tokens_out bigint NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
  cost_usd double precision NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX costs_step_idx ON costs (step_id);

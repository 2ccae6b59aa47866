-- Runs and their steps. States mirror failmine.v1.RunState (lowercase, without the prefix).

CREATE TABLE runs (
  id text PRIMARY KEY,
  -- The plan as failmine.v1.RunPlan JSON; a run id always means the same plan.
  plan jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  error text,
  -- OpenTelemetry trace of the run ('' until the run starts one).
  trace_id text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX runs_created_at_idx ON runs (created_at DESC, id);

CREATE TABLE steps (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  -- e.g. 'extract math', 'train full', 'report'.
  name text NOT NULL,
  -- extract, train, validate, report.
  kind text NOT NULL,
  -- math, code, creativity; '' for a step over all categories.
  category text NOT NULL DEFAULT '',
  -- Position in the plan: steps run in this order.
  ordinal integer NOT NULL,
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  items_total bigint NOT NULL DEFAULT 0,
  items_done bigint NOT NULL DEFAULT 0,
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, name)
);

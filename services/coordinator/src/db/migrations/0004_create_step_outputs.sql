-- What a step that is not a work queue produced (a training's loss curve and adapter, a
-- validation's Evaluation): one JSON document per step, replaced when the step runs again.

CREATE TABLE step_outputs (
  step_id integer PRIMARY KEY REFERENCES steps (id) ON DELETE CASCADE,
  run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  output jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX step_outputs_run_idx ON step_outputs (run_id);

-- The work queue: one item per example per step, and one result per item.

CREATE TABLE work_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  step_id integer NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
  -- The example's stable key within the step (e.g. 'gsm8k/train/17'): re-enqueueing is a no-op.
  item_key text NOT NULL,
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'leased', 'done', 'failed')),
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Failures so far (failItem); an item gives up at the caller's maxAttempts.
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (step_id, item_key),
  CHECK ((state = 'leased') = (lease_expires_at IS NOT NULL))
);

-- leaseBatch scans a step's items that are not finished, oldest first.
CREATE INDEX work_items_open_idx ON work_items (step_id, id) WHERE state IN ('pending', 'leased');

CREATE TABLE results (
  -- One result per item: completing an item twice keeps the first.
  work_item_id bigint PRIMARY KEY REFERENCES work_items (id) ON DELETE CASCADE,
  step_id integer NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
  item_key text NOT NULL,
  -- What the worker produced, e.g. {"completion": ..., "verdict": ...}.
  output jsonb NOT NULL,
  worker_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (step_id, item_key)
);

import { RunPlan, RunState, type RunStatus, type StepStatus } from '@failmine/contracts';
import type { RunState as DbRunState } from './db/run-states.js';
import type { RunView, StepView } from './db/run-store.js';

const STATES: Record<DbRunState, RunState> = {
  pending: RunState.RUN_STATE_PENDING,
  running: RunState.RUN_STATE_RUNNING,
  succeeded: RunState.RUN_STATE_SUCCEEDED,
  failed: RunState.RUN_STATE_FAILED,
  cancelled: RunState.RUN_STATE_CANCELLED,
};

/** A run as stored (plan kept as RunPlan JSON) to its contract message. */
export function toRunStatus(view: RunView): RunStatus {
  const { run } = view;
  return {
    runId: run.id,
    state: STATES[run.state],
    plan: RunPlan.fromJSON(run.plan),
    steps: view.steps.map(toStepStatus),
    createdAtUnixMs: run.createdAt.getTime(),
    updatedAtUnixMs: run.updatedAt.getTime(),
    traceId: run.traceId,
  };
}

function toStepStatus(step: StepView): StepStatus {
  return {
    name: step.name,
    state: STATES[step.state],
    itemsDone: step.itemsDone,
    itemsTotal: step.itemsTotal,
    cost: step.cost && {
      step: step.name,
      wallSeconds: step.cost.wallSeconds,
      deviceSeconds: step.cost.deviceSeconds,
      deviceKind: step.cost.deviceKind,
      tokensIn: step.cost.tokensIn,
      tokensOut: step.cost.tokensOut,
      costUsd: step.cost.costUsd,
    },
    error: step.error ?? '',
    outputs: step.artifacts.map((a) => ({
      name: a.name,
      sha256: a.sha256,
      sizeBytes: a.sizeBytes,
      mediaType: a.mediaType,
      uri: a.uri,
    })),
    startedAtUnixMs: step.startedAt?.getTime() ?? 0,
    finishedAtUnixMs: step.finishedAt?.getTime() ?? 0,
  };
}

import type { Database } from '../db/database.js';
import type { JsonValue } from '../db/json-value.js';
import { findStep, getRun, type StepRecord, setRunState, setStepState } from '../db/run-store.js';
import { readStepOutput } from '../db/step-outputs.js';

/**
 * Runs one step of a run with the state machine around it: a step that already succeeded is
 * not run again (its stored output is returned with `resumed: false`); otherwise run and step
 * go to running, `work` runs, and the step ends succeeded (the run too once every step has) or
 * failed, with the run failed naming the step. `work` stores its own output and costs.
 */
export async function runStep<T extends JsonValue>(
  db: Database,
  runId: string,
  stepName: string,
  work: (step: StepRecord) => Promise<T>,
): Promise<{ output: T; ranNow: boolean }> {
  const step = await findStep(db, runId, stepName);
  if (step.state === 'succeeded') {
    const stored = await readStepOutput(db, step.id);
    if (stored === undefined) throw new Error(`step "${stepName}" succeeded but stored no output`);
    return { output: stored as T, ranNow: false };
  }
  await setRunState(db, runId, 'running');
  await setStepState(db, step.id, 'running');
  try {
    const output = await work(step);
    await setStepState(db, step.id, 'succeeded');
    const view = await getRun(db, runId);
    if (view?.steps.every((s) => s.state === 'succeeded')) await setRunState(db, runId, 'succeeded');
    return { output, ranNow: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await setStepState(db, step.id, 'failed', { error: message }).catch(() => {});
    await setRunState(db, runId, 'failed', { error: `${stepName}: ${message}` }).catch(() => {});
    throw err;
  }
}

// A decoded Compare call and what every step of one comparison shares: its own module so the
// generation and grading steps can read it without importing compare.ts, which calls them.
import type {
  CallScope,
  CompareClients,
  EndpointSpec,
  GradeSettings,
  ModelSpec,
  Sampling,
  SetQuery,
} from '../clients/compare-clients.js';
import type { GateSpec } from '../stats/gates.js';
import type { CompareState } from './compare-state.js';
import type { ReferenceOutputs } from './reference-outputs.js';

/** What the candidate is compared against. */
export type ReferenceSource =
  | { kind: 'model'; model: ModelSpec }
  | { kind: 'outputs'; outputs: ReferenceOutputs; source: string }
  | { kind: 'endpoint'; endpoint: EndpointSpec };

/** A decoded CompareRequest. */
export interface CompareInput {
  /** The caller's key: "" keeps nothing; otherwise a repeated call resumes the finished work. */
  evaluationId: string;
  candidate: ModelSpec;
  reference: ReferenceSource;
  set: SetQuery;
  /** Sets not trained on: evaluated the same way and checked for forgetting. */
  forgettingSets: readonly SetQuery[];
  /** Empty means the plan's gates. */
  gates: readonly GateSpec[];
  sampling: Sampling;
  grade?: GradeSettings | undefined;
  /** Prompts per Generate call; cancellation is checked, progress reported and state saved between calls. */
  batchSize?: number;
}

/** Default prompts per Generate call: enough to fill the inference service's device batches. */
export const DEFAULT_COMPARE_BATCH_SIZE = 32;

/** What every step of one comparison shares. */
export interface Run {
  input: CompareInput;
  clients: CompareClients;
  scope: CallScope;
  state: CompareState;
  batchSize: number;
}

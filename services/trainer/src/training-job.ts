// One training job end to end: check the data, load the model, tokenize, split, build the
// training session, start or resume the loop, then write the adapter (or full model) and store
// it packed as an artifact. The loop itself is @failmine/training's trainLoop.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  createLoraConfig,
  type HfModel,
  initLoraAdapter,
  type LoraAdapter,
  readHfDirectory,
} from '@failmine/llm';
import { InvalidArgumentError } from '@failmine/runtime';
import {
  deriveSeed,
  initAdamW,
  loadCheckpoint,
  removeCheckpoint,
  type StepProgress,
  splitEval,
  type TokenizedExample,
  type TrainingOptions,
  type TrainingRecord,
  type TrainingRuntime,
  TrainingSession,
  tokenizeRecord,
  trainLoop,
} from '@failmine/training';
import { type TrainedModel, writeTrainedModel } from './trained-output.js';
import { type RecordSource, readTrainingRecords } from './training-records.js';

/** What to train. */
export interface TrainingJobSpec {
  /** Names the job directory <checkpointDir>/<jobId>. */
  jobId: string;
  /** An HF model directory. */
  modelDir: string;
  datasets: RecordSource[];
  options: TrainingOptions;
  /** Continue from the job's checkpoint when there is one; false starts over. */
  resume: boolean;
  /** Also write the adapter (or model) directory here. */
  outputDir?: string | undefined;
}

/** What a finished job produced. */
export interface TrainingOutcome extends TrainedModel {
  steps: number;
  finalLoss: number;
  /** NaN when no eval set was held out. */
  finalEvalLoss: number;
  lossCurve: number[];
  /** Non-padding tokens trained on (over the whole job, resumed parts included). */
  tokens: number;
  wallSeconds: number;
  device: string;
}

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Runs a job, yielding progress after every step; returns what it produced. */
export async function* runTrainingJob(
  spec: TrainingJobSpec,
  checkpointDir: string,
  runtime: TrainingRuntime,
  signal?: AbortSignal,
): AsyncGenerator<StepProgress, TrainingOutcome> {
  const started = Date.now();
  if (!JOB_ID.test(spec.jobId)) {
    throw new InvalidArgumentError(
      `job_id: "${spec.jobId}" must be 1-128 of [A-Za-z0-9._-], not starting with . or -`,
    );
  }
  const o = spec.options;
  // The data first: a bad line must fail before gigabytes of weights are read.
  const records = await readTrainingRecords(spec.datasets);
  const model = await readModel(spec.modelDir);
  const examples = records.map((r) => tokenizeRecord(model.tokenizer, r, o.promptFormat, o.maxSeqLen));
  const { train, evalSet } = splitEval(examples.length, o.evalFraction, o.seed);
  const pick = (ix: number[]) => ix.map((i) => examples[i] as TokenizedExample);
  const adapter = o.mode === 'lora' ? freshAdapter(model, o, spec.modelDir) : null;
  const params = adapter ? adapter.weights : model.weights;
  const jobDir = join(checkpointDir, spec.jobId);
  const fingerprint = fingerprintOf(o, records);
  if (!spec.resume) await removeCheckpoint(jobDir);
  const resumed = spec.resume ? await loadCheckpoint(jobDir, fingerprint) : null;
  // Restore in place: the session and the written adapter read these same Float32Arrays.
  if (resumed) for (const [name, t] of resumed.params) params.get(name)?.data.set(t.data);
  const session = await TrainingSession.create(model.config, model.weights, adapter, runtime);
  try {
    const state = yield* trainLoop({
      session,
      params,
      optimizer: resumed?.optimizer ?? initAdamW(params),
      state: resumed?.state ?? freshState(o.seed),
      train: pick(train),
      evalSet: pick(evalSet),
      padId: model.tokenizer.padTokenId ?? model.tokenizer.eosTokenId ?? 0,
      options: o,
      noDecay: new Set([...params.keys()].filter((n) => n.includes('norm') || n.endsWith('.bias'))),
      jobDir,
      fingerprint,
      signal,
    });
    const written = await writeTrainedModel(model, adapter, jobDir, spec.outputDir);
    return {
      ...written,
      steps: state.step,
      finalLoss: state.lossCurve.at(-1) ?? Number.NaN,
      finalEvalLoss: state.evalLosses.at(-1)?.loss ?? Number.NaN,
      lossCurve: state.lossCurve,
      tokens: state.tokens,
      wallSeconds: (Date.now() - started) / 1000,
      device: session.device,
    };
  } finally {
    await session.release();
  }
}

/** The base model; a missing or broken directory is the caller's to fix, not an internal fault. */
async function readModel(dir: string): Promise<HfModel> {
  try {
    return await readHfDirectory(dir);
  } catch (err) {
    throw new InvalidArgumentError(`base model: ${(err as Error).message}`, { cause: err });
  }
}

function freshAdapter(model: HfModel, o: TrainingOptions, modelDir: string): LoraAdapter {
  const lora = createLoraConfig({ ...o.lora, base_model_name_or_path: modelDir }, 'lora');
  return initLoraAdapter(model.config, lora, deriveSeed(o.seed, 3));
}

function freshState(seed: number) {
  return {
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    rngState: deriveSeed(seed, 4),
    lossCurve: [],
    evalLosses: [],
    tokens: 0,
  };
}

/** sha256 of the options and every record: a checkpoint only resumes the run that wrote it. */
function fingerprintOf(o: TrainingOptions, records: readonly TrainingRecord[]): string {
  const hash = createHash('sha256').update(JSON.stringify(o));
  for (const r of records) hash.update(JSON.stringify([r.instruction, r.output]));
  return hash.digest('hex');
}

// Translation between the contract's StartTraining messages and the domain's job spec, with the
// field checks that belong at the edge (each error names the field). Only contract *types* and
// enums are used here: no grpc-js.
import {
  type ArtifactRef,
  LrSchedule,
  type StartTrainingRequest,
  type StartTrainingResponse,
  type TrainingConfig,
  TrainingMode,
} from '@failmine/contracts';
import { LORA_TARGET_MODULES, type LoraTargetModule } from '@failmine/llm';
import { InvalidArgumentError } from '@failmine/runtime';
import {
  type LrScheduleKind,
  type StepProgress,
  TRAINING_DEFAULTS,
  type TrainingOptions,
} from '@failmine/training';
import type { InputRef } from './trainer-jobs.js';
import type { TrainingOutcome } from './training-job.js';

const SCHEDULES = new Map<LrSchedule, LrScheduleKind>([
  [LrSchedule.LR_SCHEDULE_UNSPECIFIED, TRAINING_DEFAULTS.schedule],
  [LrSchedule.LR_SCHEDULE_LINEAR, 'linear'],
  [LrSchedule.LR_SCHEDULE_COSINE, 'cosine'],
  [LrSchedule.LR_SCHEDULE_CONSTANT, 'constant'],
]);

/** A zero (proto's "unset") number becomes the default; anything else must pass `ok`. */
function numberOr(
  field: string,
  value: number,
  fallback: number,
  ok: (v: number) => boolean,
  rule: string,
): number {
  if (value === 0) return fallback;
  if (!Number.isFinite(value) || !ok(value))
    throw new InvalidArgumentError(`config.${field}: ${value} ${rule}`);
  return value;
}

const positive = (v: number) => v > 0;
const positiveInt = (v: number) => Number.isSafeInteger(v) && v > 0;
const unit = (v: number) => v >= 0 && v < 1;

/** The domain's options for a TrainingConfig: zero values take TRAINING_DEFAULTS; bad values are named. */
export function trainingOptionsFrom(c: TrainingConfig): TrainingOptions {
  const d = TRAINING_DEFAULTS;
  const schedule = SCHEDULES.get(c.lrSchedule);
  if (!schedule) throw new InvalidArgumentError(`config.lr_schedule: unknown value ${c.lrSchedule}`);
  if (
    c.mode !== TrainingMode.TRAINING_MODE_UNSPECIFIED &&
    c.mode !== TrainingMode.TRAINING_MODE_LORA &&
    c.mode !== TrainingMode.TRAINING_MODE_FULL
  ) {
    throw new InvalidArgumentError(`config.mode: unknown value ${c.mode}`);
  }
  if (c.promptFormat !== '' && c.promptFormat !== 'chat' && c.promptFormat !== 'plain') {
    throw new InvalidArgumentError(`config.prompt_format: "${c.promptFormat}" is not chat or plain`);
  }
  return {
    mode: c.mode === TrainingMode.TRAINING_MODE_FULL ? 'full' : 'lora',
    lora: loraFrom(c),
    learningRate: numberOr('learning_rate', c.learningRate, d.learningRate, positive, 'must be > 0'),
    epochs: numberOr('num_train_epochs', c.numTrainEpochs, d.epochs, positive, 'must be > 0'),
    batchSize: numberOr(
      'per_device_batch_size',
      c.perDeviceBatchSize,
      d.batchSize,
      positiveInt,
      'must be > 0',
    ),
    gradAccumSteps: numberOr(
      'gradient_accumulation_steps',
      c.gradientAccumulationSteps,
      d.gradAccumSteps,
      positiveInt,
      'must be > 0',
    ),
    warmupRatio: numberOr(
      'warmup_ratio',
      c.warmupRatio,
      d.warmupRatio,
      (v) => v >= 0 && v <= 1,
      'must be in [0, 1]',
    ),
    schedule,
    weightDecay: numberOr('weight_decay', c.weightDecay, d.weightDecay, (v) => v >= 0, 'must be >= 0'),
    beta1: numberOr('adam_beta1', c.adamBeta1, d.beta1, unit, 'must be in [0, 1)'),
    beta2: numberOr('adam_beta2', c.adamBeta2, d.beta2, unit, 'must be in [0, 1)'),
    eps: numberOr('adam_epsilon', c.adamEpsilon, d.eps, positive, 'must be > 0'),
    maxGradNorm: numberOr('max_grad_norm', c.maxGradNorm, d.maxGradNorm, positive, 'must be > 0'),
    maxSeqLen: numberOr(
      'max_seq_len',
      c.maxSeqLen,
      d.maxSeqLen,
      (v) => positiveInt(v) && v >= 2,
      'must be >= 2',
    ),
    seed: numberOr(
      'seed',
      c.seed,
      d.seed,
      (v) => Number.isSafeInteger(v) && v <= 0xffffffff,
      'must fit in 32 bits',
    ),
    evalFraction: numberOr('eval_fraction', c.evalFraction, d.evalFraction, unit, 'must be in [0, 1)'),
    evalSteps: d.evalSteps,
    saveSteps: c.saveSteps,
    promptFormat: c.promptFormat === 'plain' ? 'plain' : 'chat',
  };
}

function loraFrom(c: TrainingConfig): TrainingOptions['lora'] {
  const d = TRAINING_DEFAULTS.lora;
  const l = c.lora;
  if (!l) return { ...d };
  const unknown = l.targetModules.filter((m) => !(LORA_TARGET_MODULES as readonly string[]).includes(m));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `config.lora.target_modules: unknown ${unknown.join(', ')}; valid: ${LORA_TARGET_MODULES.join(', ')}`,
    );
  }
  return {
    r: numberOr('lora.r', l.r, d.r, positiveInt, 'must be > 0'),
    lora_alpha: numberOr('lora.lora_alpha', l.loraAlpha, d.lora_alpha, positive, 'must be > 0'),
    lora_dropout: numberOr('lora.lora_dropout', l.loraDropout, d.lora_dropout, unit, 'must be in [0, 1)'),
    target_modules:
      l.targetModules.length > 0 ? (l.targetModules as LoraTargetModule[]) : [...d.target_modules],
  };
}

/** The request's checked inputs: job id, datasets and base model as references the job resolves. */
export function jobInputsFrom(req: StartTrainingRequest): {
  config: TrainingConfig;
  datasets: InputRef[];
  model: InputRef;
} {
  if (req.jobId === '') throw new InvalidArgumentError('job_id: required');
  const config = req.config;
  if (!config) throw new InvalidArgumentError('config: required');
  if (config.datasets.length === 0)
    throw new InvalidArgumentError('config.datasets: give at least one JSONL set');
  const datasets = config.datasets.map((ref, i) => inputRef(ref, `config.datasets[${i}]`));
  const source = config.baseModel?.source;
  if (!source) throw new InvalidArgumentError('config.base_model: give a path or an artifact');
  if ((config.baseModel?.adapters.length ?? 0) > 0) {
    throw new InvalidArgumentError(
      'config.base_model.adapters: training on top of adapters is not supported; merge first',
    );
  }
  const model: InputRef =
    source.$case === 'path'
      ? { kind: 'path', path: source.path, name: source.path }
      : inputRef(source.artifact, 'config.base_model.artifact');
  if (model.kind === 'path' && model.path === '')
    throw new InvalidArgumentError('config.base_model.path: empty');
  if (config.device !== '' && config.device !== 'cpu' && config.device !== 'cuda') {
    throw new InvalidArgumentError(`config.device: "${config.device}" is not cpu or cuda`);
  }
  return { config, datasets, model };
}

function inputRef(ref: ArtifactRef, field: string): InputRef {
  const node = ref.node ?? '';
  if (ref.sha256 !== '') return { kind: 'artifact', sha256: ref.sha256, name: ref.name || ref.sha256, node };
  if (node !== '') throw new InvalidArgumentError(`${field}.sha256: required with node "${node}"`);
  if (ref.uri === '' || ref.uri.startsWith('artifact://')) {
    throw new InvalidArgumentError(
      `${field}: give sha256 (an artifact uploaded to this trainer) or a node path in uri`,
    );
  }
  return { kind: 'path', path: ref.uri, name: ref.uri };
}

/** A progress event. */
export function progressMessage(p: StepProgress): StartTrainingResponse {
  return {
    event: {
      $case: 'progress',
      progress: {
        step: p.step,
        totalSteps: p.totalSteps,
        epoch: p.epoch,
        loss: p.loss,
        learningRate: p.learningRate,
        tokensPerSecond: p.tokensPerSecond,
        etaSeconds: p.etaSeconds,
        evalLoss: p.evalLoss ?? 0,
        hasEvalLoss: p.evalLoss !== undefined,
        gradNorm: p.gradNorm,
      },
    },
  };
}

/** The final event: the stored adapter (or model) artifact and the run's figures. */
export function resultMessage(o: TrainingOutcome, adapter: ArtifactRef): StartTrainingResponse {
  return {
    event: {
      $case: 'result',
      result: {
        adapter,
        steps: o.steps,
        finalLoss: o.finalLoss,
        finalEvalLoss: Number.isNaN(o.finalEvalLoss) ? 0 : o.finalEvalLoss,
        usage: {
          promptTokens: o.tokens,
          completionTokens: 0,
          wallSeconds: o.wallSeconds,
          deviceSeconds: o.wallSeconds,
          deviceKind: o.device,
        },
        lossCurve: o.lossCurve,
        outputPath: o.outputPath ?? '',
      },
    },
  };
}

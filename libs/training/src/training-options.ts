// A training job's hyper-parameters, with the plan's defaults. The contract's zero values mean
// "default", so the codec fills whatever the caller left at zero from TRAINING_DEFAULTS.
import type { LoraTargetModule } from '@failmine/llm';
import type { LrScheduleKind } from './lr-schedule.js';
import type { PromptFormat } from './tokenize-records.js';
import type { TrainingDevice } from './training-graph.js';

/** Which tensors train. */
export type TrainingMode = 'lora' | 'full';

/** Everything that decides what a run computes (and so must match on resume). */
export interface TrainingOptions {
  mode: TrainingMode;
  /** LoRA rank, alpha, dropout and targets, under PEFT's names (lora mode). */
  lora: { r: number; lora_alpha: number; lora_dropout: number; target_modules: LoraTargetModule[] };
  /** Peak learning rate. */
  learningRate: number;
  /** May be fractional: training stops after ceil(epochs * stepsPerEpoch) optimizer steps. */
  epochs: number;
  batchSize: number;
  /** Micro-batches averaged into one optimizer step. */
  gradAccumSteps: number;
  warmupRatio: number;
  schedule: LrScheduleKind;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Global-norm clipping threshold; 0 disables it. */
  maxGradNorm: number;
  /** Longer examples are truncated (output tokens past it are not learned). */
  maxSeqLen: number;
  /** Drives the data order, held-out split, LoRA init and dropout masks. */
  seed: number;
  /** Fraction of the records held out for eval loss; 0: no eval. */
  evalFraction: number;
  /** Also compute eval loss every this many steps; 0: only at each epoch's end. */
  evalSteps: number;
  /** Checkpoint every this many optimizer steps; 0: only at the end (and on cancel). */
  saveSteps: number;
  promptFormat: PromptFormat;
}

/**
 * The defaults: lr 3e-6 and 2 epochs are the plan's (Phase 1B.2); the optimizer's are
 * torch.optim.AdamW's and HF Trainer's (betas 0.9/0.999, eps 1e-8, clip 1.0, linear schedule);
 * LoRA r 8, alpha 16 on q/k/v/o is a common small-adapter setting, dropout 0 is PEFT's default.
 */
export const TRAINING_DEFAULTS: TrainingOptions = {
  mode: 'lora',
  lora: { r: 8, lora_alpha: 16, lora_dropout: 0, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
  learningRate: 3e-6,
  epochs: 2,
  batchSize: 4,
  gradAccumSteps: 1,
  warmupRatio: 0,
  schedule: 'linear',
  weightDecay: 0,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  maxGradNorm: 1,
  maxSeqLen: 512,
  seed: 42,
  evalFraction: 0,
  evalSteps: 0,
  saveSteps: 0,
  promptFormat: 'chat',
};

/** Where a job runs; not part of what it computes. */
export interface TrainingRuntime {
  device: TrainingDevice;
  /** Intra-op threads of the ORT session; every core by default. */
  threads?: number | undefined;
}

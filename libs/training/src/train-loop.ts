// The training loop, start to end: for each optimizer step, run gradAccumSteps micro-batches
// through the training graph, average their gradients, clip, set the learning rate, AdamW, then
// eval and checkpoint when due. Everything that varies (data order, dropout masks) comes from
// the seed and the saved loop state, so a resumed run repeats the uninterrupted one exactly.
import { performance } from 'node:perf_hooks';
import type { Weights } from '@failmine/llm';
import { CancelledError, counter, withSpan } from '@failmine/runtime';
import { type AdamWState, adamwStep } from './adamw.js';
import { collate, epochBatches } from './batches.js';
import { type LoopState, saveCheckpoint } from './checkpoint.js';
import { clipGradNorm } from './grad-clip.js';
import { learningRateAt, warmupSteps } from './lr-schedule.js';
import { SeededRng } from './seeded-rng.js';
import type { TokenizedExample } from './tokenize-records.js';
import type { TrainingSession } from './training-graph.js';
import type { TrainingOptions } from './training-options.js';

const tokensTrained = counter(
  'failmine.trainer.tokens',
  'Target tokens trained on (rate: tokens/s)',
  '{token}',
);

/** What the loop works on, prepared by the job (see training-job.ts). */
export interface LoopInputs {
  session: TrainingSession;
  /** The trainable tensors; updated in place step by step. */
  params: Weights;
  optimizer: AdamWState;
  /** Where the loop starts: fresh (step 0) or from a checkpoint. */
  state: LoopState;
  train: readonly TokenizedExample[];
  evalSet: readonly TokenizedExample[];
  padId: number;
  options: TrainingOptions;
  /** Tensors exempt from weight decay. */
  noDecay: ReadonlySet<string>;
  jobDir: string;
  /** Identifies options + data in checkpoints. */
  fingerprint: string;
  /** Checked at every step boundary: the loop saves a checkpoint and throws CancelledError. */
  signal?: AbortSignal | undefined;
}

/** One optimizer step's report. */
export interface StepProgress {
  step: number;
  totalSteps: number;
  /** Epochs done, fractional (1.5 = halfway through the second epoch). */
  epoch: number;
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  tokensPerSecond: number;
  etaSeconds: number;
  /** Set on steps where eval loss was computed. */
  evalLoss?: number | undefined;
}

/** Steps per epoch and in total for a training set of n examples. */
export function planSteps(n: number, o: TrainingOptions): { stepsPerEpoch: number; totalSteps: number } {
  const batches = Math.ceil(n / o.batchSize);
  const stepsPerEpoch = Math.ceil(batches / o.gradAccumSteps);
  return { stepsPerEpoch, totalSteps: Math.max(1, Math.ceil(o.epochs * stepsPerEpoch)) };
}

/** Runs the loop from `inputs.state` to the last step, yielding after each step; returns the final state. */
// NOTE: past the ~50-line rule on purpose: one optimizer step reads top to bottom in one place,
// as in nanoGPT's train.py; the pieces it calls (accumulate, clip, schedule, AdamW) are separate.
export async function* trainLoop(inputs: LoopInputs): AsyncGenerator<StepProgress, LoopState> {
  const { session, params, optimizer, train, options: o } = inputs;
  const s: LoopState = {
    ...inputs.state,
    lossCurve: [...inputs.state.lossCurve],
    evalLosses: [...inputs.state.evalLosses],
  };
  const { stepsPerEpoch, totalSteps } = planSteps(train.length, o);
  const warmup = warmupSteps(totalSteps, o.warmupRatio);
  const lengths = train.map((e) => e.ids.length);
  const rng = new SeededRng(0);
  rng.state = s.rngState;
  const checkpoint = () =>
    saveCheckpoint(
      inputs.jobDir,
      { state: { ...s, rngState: rng.state }, params, optimizer },
      inputs.fingerprint,
    );
  let batches = epochBatches(lengths, o.batchSize, o.seed, s.epoch);
  const started = performance.now();
  const firstStep = s.step;

  // True while suspended at a yield: a consumer that stops iterating there (return()) stops the
  // run at a step boundary, which is kept as a checkpoint like a cancel.
  let atBoundary = false;
  try {
    while (s.step < totalSteps) {
      if (inputs.signal?.aborted) {
        await checkpoint();
        throw new CancelledError(`training stopped at step ${s.step} of ${totalSteps}; checkpoint kept`);
      }
      const t0 = performance.now();
      const micro = Math.min(o.gradAccumSteps, batches.length - s.batchInEpoch);
      const examples = batches
        .slice(s.batchInEpoch, s.batchInEpoch + micro)
        .map((ix) => ix.map((i) => train[i] as TokenizedExample));
      const stepAttributes = { step: s.step + 1, total_steps: totalSteps, micro_batches: micro };
      const { loss, tokens, gradNorm, lr } = await withSpan('trainer.step', stepAttributes, async (span) => {
        const r = await accumulate(session, params, examples, inputs.padId, rng);
        const norm = clipGradNorm(r.grads, o.maxGradNorm);
        const rate = learningRateAt(o.schedule, o.learningRate, s.step, totalSteps, warmup);
        adamwStep(params, r.grads, optimizer, rate, { ...o, noDecay: inputs.noDecay });
        span.setAttributes({ loss: r.loss, tokens: r.tokens, grad_norm: norm, lr: rate });
        tokensTrained.add(r.tokens);
        return { loss: r.loss, tokens: r.tokens, gradNorm: norm, lr: rate };
      });

      s.step += 1;
      s.batchInEpoch += micro;
      s.tokens += tokens;
      s.lossCurve.push(loss);
      const epochDone = s.batchInEpoch >= batches.length;
      if (epochDone) {
        s.epoch += 1;
        s.batchInEpoch = 0;
        batches = epochBatches(lengths, o.batchSize, o.seed, s.epoch);
      }
      const last = s.step === totalSteps;
      let evalLoss: number | undefined;
      const evalDue = epochDone || last || (o.evalSteps > 0 && s.step % o.evalSteps === 0);
      if (evalDue && inputs.evalSet.length > 0) {
        evalLoss = await evaluate(session, params, inputs.evalSet, o.batchSize, inputs.padId);
        s.evalLosses.push({ step: s.step, loss: evalLoss });
      }
      if (last || (o.saveSteps > 0 && s.step % o.saveSteps === 0)) await checkpoint();

      const stepSeconds = (performance.now() - t0) / 1000;
      const meanStepSeconds = (performance.now() - started) / 1000 / (s.step - firstStep);
      atBoundary = true;
      yield {
        step: s.step,
        totalSteps,
        epoch: s.step / stepsPerEpoch,
        loss,
        learningRate: lr,
        gradNorm,
        tokensPerSecond: tokens / stepSeconds,
        etaSeconds: meanStepSeconds * (totalSteps - s.step),
        evalLoss,
      };
      atBoundary = false;
    }
  } finally {
    if (atBoundary && s.step < totalSteps) await checkpoint();
  }
  return { ...s, rngState: rng.state };
}

/**
 * Gradient accumulation: runs each micro-batch (dropout masks drawn from `rng`) and returns the
 * mean of their losses and of their gradients, and the real tokens seen.
 */
async function accumulate(
  session: TrainingSession,
  params: Weights,
  microBatches: TokenizedExample[][],
  padId: number,
  rng: SeededRng,
): Promise<{ loss: number; grads: Map<string, Float32Array>; tokens: number }> {
  let lossSum = 0;
  let tokens = 0;
  const grads = new Map<string, Float32Array>();
  for (const examples of microBatches) {
    const batch = collate(examples, padId);
    const out = await session.run(batch, params, () => rng.next());
    lossSum += out.loss;
    tokens += batch.tokens;
    addInto(grads, out.grads, 1 / microBatches.length);
  }
  return { loss: lossSum / microBatches.length, grads, tokens };
}

/** Adds scale * each gradient into `sum` (allocated on first use). */
function addInto(sum: Map<string, Float32Array>, grads: Map<string, Float32Array>, scale: number): void {
  for (const [name, g] of grads) {
    let acc = sum.get(name);
    if (!acc) {
      acc = new Float32Array(g.length);
      sum.set(name, acc);
    }
    for (let i = 0; i < g.length; i++) acc[i] = (acc[i] as number) + (g[i] as number) * scale;
  }
}

/**
 * Mean loss over every target token of the held-out set: batches in a fixed order, each batch's
 * mean weighted by its target-token count. No dropout.
 */
export async function evaluate(
  session: TrainingSession,
  params: Weights,
  examples: readonly TokenizedExample[],
  batchSize: number,
  padId: number,
): Promise<number> {
  let weighted = 0;
  let count = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const batch = collate(examples.slice(i, i + batchSize), padId);
    if (batch.targetTokens === 0) continue;
    const { loss } = await session.run(batch, params, null);
    weighted += loss * batch.targetTokens;
    count += batch.targetTokens;
  }
  return count > 0 ? weighted / count : 0;
}

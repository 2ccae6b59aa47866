// The recipe, start to end: corpus -> BPE tokenizer -> fresh llama -> full training with the
// trainer's own loop, measuring greedy accuracy on held-out problems as it goes, stopping at the
// first measurement in the target band -> HF directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DecoderConfig,
  HfTokenizer,
  initDecoderWeights,
  PRINTABLE_ASCII,
  parseDecoderConfig,
  type Weights,
  writeHfDirectory,
} from '@failmine/llm';
import {
  initAdamW,
  planSteps,
  type TokenizedExample,
  TRAINING_DEFAULTS,
  type TrainingOptions,
  TrainingSession,
  tokenizeRecord,
  trainLoop,
} from '@failmine/training';
import { bpeTokenizerFiles, trainBpe } from './bpe-trainer.js';
import { type GreedyAccuracy, greedyAccuracy } from './greedy-accuracy.js';
import { type MathRecord, pretrainingData, recordText } from './pretraining-corpus.js';
import type { TinyRecipe } from './tiny-recipe.js';

/** One greedy evaluation during training. */
export interface EvalPoint {
  step: number;
  accuracy: number;
  correct: number;
  total: number;
  trainLoss: number;
  elapsedSeconds: number;
}

/** What a recipe run produced and measured. */
export interface TinyModelOutcome {
  config: DecoderConfig;
  weights: Weights;
  tokenizer: HfTokenizer;
  steps: number;
  reachedTarget: boolean;
  evals: EvalPoint[];
  /** The last evaluation: the shipped weights' held-out accuracy. */
  final: GreedyAccuracy;
  heldOut: MathRecord[];
  corpus: { problems: number; droppedAsDemo: number; tokens: number };
  parameters: number;
  wallSeconds: number;
}

/** Progress lines of a run (stderr in the CLI, nothing in tests). */
export type RecipeLog = (line: string) => void;

/** The llama config of a recipe for a tokenizer of `vocabSize` ids (specials 0-3: pad, bos, eos, unk). */
export function tinyConfig(recipe: TinyRecipe, vocabSize: number): DecoderConfig {
  return parseDecoderConfig({
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    ...recipe.model,
    rms_norm_eps: 1e-5,
    vocab_size: vocabSize,
    bos_token_id: 1,
    eos_token_id: 2,
    pad_token_id: 0,
    tie_word_embeddings: false,
    hidden_act: 'silu',
    torch_dtype: 'float32',
  });
}

/**
 * Pretraining examples: the trainer's plain layout (bos + prompt + "\n" + answer + eos), with
 * the loss on every token after bos. NOTE: the trainer's plain format puts the loss on the
 * answer only, but the extract sends the prompt without its "\n"; the model must learn to emit
 * that "\n" itself, so pretraining (unlike fine-tuning) learns the prompt tokens too.
 */
export function pretrainingExamples(
  tokenizer: HfTokenizer,
  records: readonly MathRecord[],
  maxSeqLen: number,
): TokenizedExample[] {
  return records.map((r, i) => {
    const { ids } = tokenizeRecord(tokenizer, { ...r, where: `corpus:${i + 1}` }, 'plain', maxSeqLen);
    return { ids, target: ids.map((_, t) => t > 0) };
  });
}

/**
 * Called after every evaluation with the model as it stands (weights are live: copy or write
 * them before returning). The CLI writes a snapshot, so a run stopped by hand leaves a model.
 */
export type OnEval = (snapshot: TinyModelOutcome) => Promise<void>;

/** What the recipe trains: the corpus, its tokenizer, the untrained model and the tokenized examples. */
interface Prepared {
  data: ReturnType<typeof pretrainingData>;
  tokenizer: HfTokenizer;
  config: DecoderConfig;
  weights: Weights;
  parameters: number;
  examples: TokenizedExample[];
  corpusTokens: number;
}

function prepare(recipe: TinyRecipe, log: RecipeLog): Prepared {
  const data = pretrainingData(recipe.seed, recipe.corpusProblems, recipe.evaluation.problems);
  log(`corpus: ${data.train.length} problems (${data.droppedAsDemo} dropped as demo problems)`);
  const bpe = trainBpe(data.train.slice(0, recipe.bpeProblems).map(recordText), {
    merges: recipe.bpeMerges,
    alphabet: PRINTABLE_ASCII,
  });
  const tokenizer = new HfTokenizer(bpeTokenizerFiles(bpe));
  const config = tinyConfig(recipe, tokenizer.vocabSize);
  const weights = initDecoderWeights(config, recipe.seed);
  const parameters = [...weights.values()].reduce((a, t) => a + t.data.length, 0);
  const examples = pretrainingExamples(tokenizer, data.train, recipe.training.maxSeqLen);
  const corpusTokens = examples.reduce((a, e) => a + e.ids.length, 0);
  log(
    `tokenizer: ${tokenizer.vocabSize} ids; model: ${parameters} parameters; corpus ${corpusTokens} tokens`,
  );
  return { data, tokenizer, config, weights, parameters, examples, corpusTokens };
}

/** The trainer's options for the recipe: full mode, a constant rate after warm-up, maxSteps steps. */
function recipeOptions(recipe: TinyRecipe, exampleCount: number): TrainingOptions {
  const t = recipe.training;
  const { stepsPerEpoch } = planSteps(exampleCount, { ...TRAINING_DEFAULTS, batchSize: t.batchSize });
  return {
    ...TRAINING_DEFAULTS,
    mode: 'full',
    learningRate: t.learningRate,
    epochs: t.maxSteps / stepsPerEpoch,
    batchSize: t.batchSize,
    gradAccumSteps: 1,
    warmupRatio: t.warmupSteps / t.maxSteps,
    schedule: 'constant',
    weightDecay: t.weightDecay,
    maxGradNorm: t.maxGradNorm,
    maxSeqLen: t.maxSeqLen,
    seed: recipe.seed,
    evalFraction: 0,
    promptFormat: 'plain',
  };
}

/** Runs the recipe in memory; the caller writes the result (writeTinyModel). */
export async function trainTinyModel(
  recipe: TinyRecipe,
  log: RecipeLog = () => {},
  onEval: OnEval = async () => {},
): Promise<TinyModelOutcome> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const prepared = prepare(recipe, log);
  const { data, tokenizer, config, weights, examples } = prepared;
  const session = await TrainingSession.create(config, weights, null, {
    threads: recipe.threads,
    device: 'cpu',
  });
  // The loop checkpoints when it is stopped early; nobody resumes a recipe run, so it is scratch.
  const jobDir = await mkdtemp(join(tmpdir(), 'tiny-model-'));
  const evals: EvalPoint[] = [];
  let final: GreedyAccuracy | null = null;
  let steps = 0;
  const outcome = (reached: boolean): TinyModelOutcome => ({
    config,
    weights,
    tokenizer,
    steps,
    reachedTarget: reached,
    evals: [...evals],
    final: final as unknown as GreedyAccuracy,
    heldOut: data.heldOut,
    corpus: { problems: data.train.length, droppedAsDemo: data.droppedAsDemo, tokens: prepared.corpusTokens },
    parameters: prepared.parameters,
    wallSeconds: elapsed(),
  });
  // Held-out greedy accuracy now; true once the recipe's target is reached.
  const measure = async (step: number, trainLoss: number) => {
    final = await greedyAccuracy(config, weights, tokenizer, data.heldOut, {
      ...recipe.evaluation,
      threads: recipe.threads,
    });
    const point: EvalPoint = {
      step,
      accuracy: final.accuracy,
      correct: final.correct,
      total: final.total,
      trainLoss,
      elapsedSeconds: elapsed(),
    };
    evals.push(point);
    log(
      `step ${step}: held-out greedy accuracy ${final.correct}/${final.total} = ${final.accuracy.toFixed(3)} (loss ${trainLoss.toFixed(4)}, ${point.elapsedSeconds.toFixed(0)} s)`,
    );
    const reached = final.accuracy >= recipe.targetAccuracy;
    await onEval(outcome(reached));
    return reached;
  };
  try {
    const loop = trainLoop({
      session,
      params: weights,
      optimizer: initAdamW(weights),
      state: {
        step: 0,
        epoch: 0,
        batchInEpoch: 0,
        rngState: recipe.seed,
        lossCurve: [],
        evalLosses: [],
        tokens: 0,
      },
      train: examples,
      evalSet: [],
      padId: tokenizer.padTokenId ?? 0,
      options: recipeOptions(recipe, examples.length),
      noDecay: new Set([...weights.keys()].filter((n) => n.includes('norm'))),
      jobDir,
      fingerprint: 'tiny-model',
    });
    for await (const p of loop) {
      steps = p.step;
      if (p.step % 50 === 0)
        log(
          `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} (${p.tokensPerSecond.toFixed(0)} tokens/s)`,
        );
      const due = p.step % recipe.evaluation.everySteps === 0 || p.step === p.totalSteps;
      // Leaving the for-await returns the loop, which stops training there.
      if (due && (await measure(p.step, p.loss))) return outcome(true);
    }
    if (!final) await measure(steps, Number.NaN);
    return outcome(false);
  } finally {
    await session.release();
    await rm(jobDir, { recursive: true, force: true });
  }
}

/** Writes the model as an HF directory (float32 safetensors, tokenizer, generation config). */
export async function writeTinyModel(dir: string, outcome: TinyModelOutcome): Promise<void> {
  await writeHfDirectory(dir, {
    config: outcome.config,
    weights: outcome.weights,
    tokenizer: outcome.tokenizer,
    dtype: 'F32',
  });
}

// recipe-result.json: what a recipe run measured, kept beside the weights so the model card and
// the tests read figures that were measured, never typed in.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCorrect } from './final-answer.js';
import { greedyAccuracy } from './greedy-accuracy.js';
import type { TinyRecipe } from './tiny-recipe.js';
import type { EvalPoint, TinyModelOutcome } from './train-tiny-model.js';

/** File name of the measurements inside the model directory. */
export const RECIPE_RESULT_FILE = 'recipe-result.json';

/** Held-out problems whose greedy completions are recorded verbatim (the tests replay them). */
export const RECORDED_ANSWERS = 16;

/** The measurements of one run. */
export interface RecipeResult {
  recipe: TinyRecipe;
  command: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverage1m: number };
  parameters: number;
  vocabSize: number;
  corpus: { problems: number; droppedAsDemo: number; tokens: number };
  steps: number;
  reachedTarget: boolean;
  wallSeconds: number;
  evals: EvalPoint[];
  heldOut: { correct: number; total: number; accuracy: number };
  /** The first RECORDED_ANSWERS held-out problems: prompt, expected answer, greedy completion. */
  recorded: { instruction: string; finalAnswer: string; completion: string; correct: boolean }[];
}

/** Settings of the recorded greedy pass; the tests replay it with exactly these. */
export const RECORDED_BATCH_SIZE = RECORDED_ANSWERS;

/**
 * Greedy completions of the first RECORDED_ANSWERS held-out problems, in one batch: a fixed,
 * cheap pass whose every token a test can replay (the same batch gives the same padding).
 */
export async function recordAnswers(
  outcome: TinyModelOutcome,
  recipe: TinyRecipe,
): Promise<RecipeResult['recorded']> {
  const records = outcome.heldOut.slice(0, RECORDED_ANSWERS);
  const pass = await greedyAccuracy(outcome.config, outcome.weights, outcome.tokenizer, records, {
    batchSize: RECORDED_BATCH_SIZE,
    maxNewTokens: recipe.evaluation.maxNewTokens,
    threads: recipe.threads,
  });
  return records.map((r, i) => {
    const completion = pass.completions[i] ?? '';
    return {
      instruction: r.instruction,
      finalAnswer: r.finalAnswer,
      completion,
      correct: isCorrect(completion, r.finalAnswer),
    };
  });
}

/** The result object of a run (a snapshot or the final one). */
export function recipeResult(
  recipe: TinyRecipe,
  outcome: TinyModelOutcome,
  command: string,
  machine: RecipeResult['machine'],
  recorded: RecipeResult['recorded'],
): RecipeResult {
  const { final } = outcome;
  return {
    recipe,
    command,
    machine,
    parameters: outcome.parameters,
    vocabSize: outcome.tokenizer.vocabSize,
    corpus: outcome.corpus,
    steps: outcome.steps,
    reachedTarget: outcome.reachedTarget,
    wallSeconds: Math.round(outcome.wallSeconds),
    evals: outcome.evals,
    heldOut: { correct: final.correct, total: final.total, accuracy: final.accuracy },
    recorded,
  };
}

/** Writes recipe-result.json into the model directory. */
export async function writeRecipeResult(dir: string, result: RecipeResult): Promise<void> {
  await writeFile(join(dir, RECIPE_RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
}

/** Reads recipe-result.json of a model directory (no validation: the recipe wrote it). */
export async function readRecipeResult(dir: string): Promise<RecipeResult> {
  return JSON.parse(await readFile(join(dir, RECIPE_RESULT_FILE), 'utf8')) as RecipeResult;
}

import { PHASE1A_TINY, type TinyRecipe } from '../../src/tiny-recipe.js';

/** The recipe at toy size: every stage runs, in seconds. */
export function shrunkenRecipe(overrides: Partial<TinyRecipe> = {}): TinyRecipe {
  return {
    ...PHASE1A_TINY,
    corpusProblems: 120,
    bpeMerges: 40,
    bpeProblems: 100,
    model: {
      ...PHASE1A_TINY.model,
      hidden_size: 16,
      intermediate_size: 32,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      num_key_value_heads: 2,
    },
    training: { ...PHASE1A_TINY.training, batchSize: 8, warmupSteps: 1, maxSteps: 4 },
    evaluation: { everySteps: 2, problems: 4, batchSize: 4, maxNewTokens: 4 },
    threads: 1,
    ...overrides,
  };
}

// The public API of @failmine/problems: what the dataset service and tools/tiny-model use. Add an
// export only when another package needs it.
// A blank line after each group's comment keeps biome's export sorting inside the group.

// A benchmark problem as plain data: its category, ground truth and formatted prompt.

export type { Category, FormattedExample, GroundTruth, SourceExample } from './example.js';

// GSM8K's "#### N" final answers and its way of writing numbers, parsed here and nowhere else.

export { parseGsm8kAnswer, parseNumber } from './parse-gsm8k-answer.js';

// A model's numeric answer: read from a completion by rule ("#### N" only in strict mode), and
// compared by exact value ("$1,000.50" equals "1000.5", "1/2" equals "0.5").

export type { ExactNumber } from './exact-number.js';
export { exactEquals, formatExactNumber, parseExactNumber } from './exact-number.js';
export { extractNumericAnswer, parseFinalAnswer } from './numeric-answer.js';

// Prompts: k-shot exemplars and the plain layout per kind of problem.

export type { PromptOptions } from './prompt-format.js';
export { checkPromptOptions, formatExample, pickExemplars } from './prompt-format.js';

// Seeded GSM8K-style word problems (the synthetic-math dataset).

export { generateSyntheticMath, SYNTHETIC_DEFAULT_SEED, SYNTHETIC_SPLIT_SIZES } from './synthetic-math.js';

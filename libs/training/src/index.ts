// The public API of @failmine/training: what the trainer service and tools/tiny-model use. Every
// export here is a promise to other packages: add one only when another package needs it.
// A blank line after each group's comment keeps biome's export sorting inside the group.

// Hyper-parameters and their defaults (the one TRAINING_DEFAULTS), and where a run executes.

export type { LrScheduleKind } from './lr-schedule.js';
export type { TrainingOptions, TrainingRuntime } from './training-options.js';
export { TRAINING_DEFAULTS } from './training-options.js';

// Records to token ids with the loss mask, and the seeded held-out split.

export { splitEval } from './batches.js';
export type { TokenizedExample, TrainingRecord } from './tokenize-records.js';
export { tokenizeRecord } from './tokenize-records.js';

// The training graph's onnxruntime session, and the loop that drives it (AdamW state included).

export { initAdamW } from './adamw.js';
export type { StepProgress } from './train-loop.js';
export { planSteps, trainLoop } from './train-loop.js';
export { TrainingSession } from './training-graph.js';

// Resumable checkpoints and the seeds that make a resumed run repeat the uninterrupted one.

export { loadCheckpoint, removeCheckpoint } from './checkpoint.js';
export { deriveSeed } from './seeded-rng.js';

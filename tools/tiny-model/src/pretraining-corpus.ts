// The pretraining data: synthetic math problems laid out exactly as the flow shows them to the
// model, so the tiny model answers the extract's prompts in the "#### N" format and stops at eos.
import {
  formatExample,
  generateSyntheticMath,
  type SourceExample,
  SYNTHETIC_DEFAULT_SEED,
} from '@failmine/problems';

/** One problem as the model sees it: the prompt the extract sends, and the reference answer. */
export interface MathRecord {
  /** The dataset service's zero-shot plain prompt (ends "Answer:"). */
  instruction: string;
  /** The reference solution, ending "#### N". */
  output: string;
  /** The final answer, for grading generations. */
  finalAnswer: string;
}

/** The prompt the extract step sends for an example (zero shots, plain style, no chat turns). */
export function promptOf(example: SourceExample): string {
  return formatExample(example, [], { shots: 0, chat: false, style: 'plain' }).prompt;
}

/** An example as a record of the layout the trainer's "plain" format trains on. */
export function toRecord(example: SourceExample): MathRecord {
  const finalAnswer = example.groundTruth.kind === 'final-answer' ? example.groundTruth.finalAnswer : '';
  return { instruction: promptOf(example), output: example.referenceSolution, finalAnswer };
}

/** The text the trainer builds from a record (plain format, specials aside): prompt, "\n", answer. */
export function recordText(record: MathRecord): string {
  return `${record.instruction}\n${record.output}`;
}

/**
 * Questions of the demo's synthetic splits (default seed, full sizes): the corpus must not hold
 * them, or the demo's extract and validation would measure memorized problems.
 */
export function demoQuestions(): Set<string> {
  const seed = SYNTHETIC_DEFAULT_SEED;
  const demo = [
    ...generateSyntheticMath({ split: 'train', seed }),
    ...generateSyntheticMath({ split: 'test', seed }),
  ];
  return new Set(demo.map((e) => e.question));
}

/**
 * `count` pretraining records from the synthetic generator's train stream under `seed`, minus
 * any problem of the demo's splits; and `evalCount` held-out records (heldOutRecords).
 */
export function pretrainingData(
  seed: number,
  count: number,
  evalCount: number,
): { train: MathRecord[]; heldOut: MathRecord[]; droppedAsDemo: number } {
  if (seed === SYNTHETIC_DEFAULT_SEED)
    throw new Error(`pretraining seed must differ from the demo's seed ${SYNTHETIC_DEFAULT_SEED}`);
  const demo = demoQuestions();
  const train = generateSyntheticMath({ split: 'train', seed, count });
  const kept = train.filter((e) => !demo.has(e.question));
  return {
    train: kept.map(toRecord),
    heldOut: heldOutRecords(seed, evalCount, demo),
    droppedAsDemo: train.length - kept.length,
  };
}

/**
 * The first `count` problems of the generator's test stream under `seed`, minus the demo's: the
 * recipe's held-out set (a problem's split is a hash of the instance, so it never shares a
 * problem with the train stream).
 */
export function heldOutRecords(seed: number, count: number, demo = demoQuestions()): MathRecord[] {
  return generateSyntheticMath({ split: 'test', seed, count: count + demo.size })
    .filter((e) => !demo.has(e.question))
    .slice(0, count)
    .map(toRecord);
}

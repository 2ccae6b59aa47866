import { parseGsm8kAnswer, type SourceExample } from '@failmine/problems';
import { NotFoundError } from '@failmine/runtime';
import { stringField } from '../readers/field-readers.js';
import { findRecordFile, readRecords } from '../readers/record-files.js';

/** GSM8K's splits as shipped: train (7,473) and test (1,319). */
export const GSM8K_SPLITS = ['train', 'test'] as const;

/**
 * Loads one GSM8K split from `dir` (train.jsonl / test.jsonl, .jsonl.gz or HF parquet such as
 * train-00000-of-00001.parquet). Each line needs `question` and `answer`; the answer must end
 * in a "#### N" line whose N parses as a number.
 */
export async function loadGsm8k(dir: string, split: string, dataset = 'gsm8k'): Promise<SourceExample[]> {
  if (!(GSM8K_SPLITS as readonly string[]).includes(split))
    throw new NotFoundError(`${dataset} has no split "${split}"; splits: ${GSM8K_SPLITS.join(', ')}`);
  const path = await findRecordFile(dir, [split, `${split}-00000-of-00001`, `main/${split}-00000-of-00001`]);
  const records = await readRecords(path);
  return records.map((record, index) => {
    const question = stringField(record, 'question');
    const answer = stringField(record, 'answer');
    const parsed = parseGsm8kAnswer(answer, record.where);
    return {
      id: `${dataset}/${split}/${index}`,
      category: 'math',
      dataset,
      split,
      question,
      groundTruth: { kind: 'final-answer', finalAnswer: parsed.finalAnswer },
      referenceSolution: answer,
      metadata: {
        source: record.where,
        final_answer_value: String(parsed.value),
        // Worked-solution lines: the closest thing GSM8K has to a difficulty.
        steps: String(parsed.rationale.split('\n').filter((l) => l.trim() !== '').length),
      },
    };
  });
}

import type { SourceExample } from '@failmine/problems';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import { stringField } from '../readers/field-readers.js';
import { findRecordFile, readRecords } from '../readers/record-files.js';

/** HumanEval ships one split, test (164 problems). */
export const HUMANEVAL_SPLITS = ['test'] as const;

/**
 * Loads HumanEval from `dir`: HumanEval.jsonl, HumanEval.jsonl.gz (as OpenAI ships it) or HF's
 * `openai_humaneval/test-00000-of-00001.parquet`. Each record needs task_id ("HumanEval/N"),
 * prompt, canonical_solution, test and entry_point. The reference solution is the canonical
 * completion of the prompt.
 */
export async function loadHumanEval(dir: string, split: string): Promise<SourceExample[]> {
  if (split !== 'test')
    throw new NotFoundError(`humaneval has no split "${split}"; splits: ${HUMANEVAL_SPLITS.join(', ')}`);
  const path = await findRecordFile(dir, ['HumanEval', 'test', 'openai_humaneval/test-00000-of-00001']);
  const records = await readRecords(path);
  return records.map((record) => {
    const taskId = stringField(record, 'task_id');
    const number = /^HumanEval\/(\d+)$/.exec(taskId)?.[1];
    if (number === undefined)
      throw new InvalidArgumentError(
        `${record.where}: field "task_id" must look like "HumanEval/N", got "${taskId}"`,
      );
    const entryPoint = stringField(record, 'entry_point');
    return {
      id: `humaneval/test/${number}`,
      category: 'code',
      dataset: 'humaneval',
      split,
      question: stringField(record, 'prompt'),
      groundTruth: {
        kind: 'code',
        code: {
          entryPoint,
          testProgram: stringField(record, 'test'),
          asserts: [],
          setupCode: '',
          challengeAsserts: [],
        },
      },
      referenceSolution: stringField(record, 'canonical_solution'),
      metadata: { source: record.where, task_id: taskId, entry_point: entryPoint },
    };
  });
}

import { basename } from 'node:path';
import type { SourceExample } from '@failmine/problems';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import { integerField, stringArrayField, stringField } from '../readers/field-readers.js';
import { findRecordFile, readRecords } from '../readers/record-files.js';

/** MBPP's standard splits, as HF `mbpp` (full) and the paper define them by task_id. */
export const MBPP_SPLITS = ['train', 'test', 'validation', 'prompt'] as const;

/**
 * The split a task belongs to: prompt 1-10, test 11-510, validation 511-600, train 601-1000
 * (the upstream README: 11-510 for testing, 1-10 and 511-1000 for training/prompting; HF
 * carves validation out of 511-600). Undefined outside 1-1000.
 */
export function mbppSplitOf(taskId: number): (typeof MBPP_SPLITS)[number] | undefined {
  if (taskId >= 1 && taskId <= 10) return 'prompt';
  if (taskId >= 11 && taskId <= 510) return 'test';
  if (taskId >= 511 && taskId <= 600) return 'validation';
  if (taskId >= 601 && taskId <= 1000) return 'train';
  return undefined;
}

/**
 * Loads one MBPP split from `dir`: either the whole set in mbpp.jsonl (or .jsonl.gz / .parquet),
 * keeping the tasks whose task_id falls in that split, or HF's `full/<split>-00000-of-00001.parquet`
 * (HF's splits are the standard ones, so each task_id must belong to the file's split). Each row
 * needs text, code, task_id, test_list, test_setup_code and challenge_test_list; every row of the
 * file read is checked, whatever split is asked for.
 */
export async function loadMbpp(dir: string, split: string): Promise<SourceExample[]> {
  if (!(MBPP_SPLITS as readonly string[]).includes(split))
    throw new NotFoundError(`mbpp has no split "${split}"; splits: ${MBPP_SPLITS.join(', ')}`);
  const path = await findRecordFile(dir, ['mbpp', `full/${split}-00000-of-00001`]);
  const wholeSet = basename(path).startsWith('mbpp.');
  const records = await readRecords(path);
  const seen = new Set<number>();
  const out: SourceExample[] = [];
  for (const record of records) {
    const taskId = integerField(record, 'task_id');
    const taskSplit = mbppSplitOf(taskId);
    if (taskSplit === undefined)
      throw new InvalidArgumentError(`${record.where}: field "task_id" is ${taskId}, outside MBPP's 1-1000`);
    if (seen.has(taskId))
      throw new InvalidArgumentError(`${record.where}: field "task_id" ${taskId} appears twice`);
    seen.add(taskId);
    // A task of another split in a per-split file means a mislabelled file, not a filter.
    if (!wholeSet && taskSplit !== split)
      throw new InvalidArgumentError(
        `${record.where}: field "task_id" is ${taskId}, which is in split "${taskSplit}", not "${split}"`,
      );
    const example = toExample(record, taskId, taskSplit);
    if (taskSplit === split) out.push(example);
  }
  return out;
}

function toExample(record: Parameters<typeof stringField>[0], taskId: number, split: string): SourceExample {
  // MBPP's code uses CRLF line endings; LF keeps training outputs and prompts uniform.
  const lf = (s: string) => s.replaceAll('\r\n', '\n');
  return {
    id: `mbpp/${split}/${taskId}`,
    category: 'code',
    dataset: 'mbpp',
    split,
    question: stringField(record, 'text'),
    groundTruth: {
      kind: 'code',
      code: {
        entryPoint: '',
        testProgram: '',
        asserts: stringArrayField(record, 'test_list'),
        setupCode: lf(stringField(record, 'test_setup_code', { allowEmpty: true })),
        challengeAsserts: stringArrayField(record, 'challenge_test_list'),
      },
    },
    referenceSolution: lf(stringField(record, 'code')),
    metadata: { source: record.where, task_id: String(taskId) },
  };
}

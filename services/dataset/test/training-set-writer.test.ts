import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SourceExample } from '@failmine/problems';
import { DatasetRegistry } from '../src/loaders/dataset-registry.js';
import { LeakageIndex } from '../src/training-set/leakage-check.js';
import { buildTrainingSet, type TrainingRecordInput } from '../src/training-set/training-set-writer.js';
import { writeTrainingSet } from '../src/training-set/write-training-set.js';
import { DATASETS_DIR } from './real-datasets.js';

const record = (
  sourceId: string,
  instruction: string,
  output = `solution of ${sourceId}`,
): TrainingRecordInput => ({
  instruction,
  output,
  sourceId,
  dataset: 'gsm8k',
  split: 'train',
  model: 'tiny',
  runId: 'run-1',
});

const noLeakage = { dedup: false, leakage: undefined, leakageReportOnly: false };

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

describe('buildTrainingSet', () => {
  it('writes exactly {"instruction","output"} per line and one provenance line per record', () => {
    const built = buildTrainingSet([record('gsm8k/train/1', 'What is 1+1?', 'It is 2.\n#### 2')], noLeakage);
    assert.equal(built.jsonl.toString(), '{"instruction":"What is 1+1?","output":"It is 2.\\n#### 2"}\n');
    const lines = built.jsonl
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(lines[0]), ['instruction', 'output']);
    const provenance = JSON.parse(built.provenance.toString());
    assert.equal(provenance.source_id, 'gsm8k/train/1');
    assert.equal(provenance.model, 'tiny');
    assert.equal(provenance.run_id, 'run-1');
    assert.equal(provenance.line, 1);
  });

  it('keeps one record per line even with U+2028 in the text', () => {
    const built = buildTrainingSet([record('a/1', 'line\u2028separator', 'para\u2029graph')], noLeakage);
    const text = built.jsonl.toString();
    assert.equal(text.split(/[\n\u2028\u2029]/).length, 2);
    assert.deepEqual(JSON.parse(text), { instruction: 'line\u2028separator', output: 'para\u2029graph' });
  });

  it('is byte-identical across runs and across arrival orders', () => {
    const records = Array.from({ length: 30 }, (_, i) =>
      record(`gsm8k/train/${i}`, `Question ${i}: ünïcode “quotes” ${i * 7}?`),
    );
    const a = buildTrainingSet(records, { ...noLeakage, dedup: true });
    const b = buildTrainingSet([...records].reverse(), { ...noLeakage, dedup: true });
    const c = buildTrainingSet(records, { ...noLeakage, dedup: true });
    assert.ok(a.jsonl.equals(b.jsonl) && a.jsonl.equals(c.jsonl));
    assert.ok(a.provenance.equals(b.provenance));
    // Natural order of source ids: 2 before 10.
    const ids = a.provenance
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).source_id);
    assert.deepEqual(ids.slice(0, 3), ['gsm8k/train/0', 'gsm8k/train/1', 'gsm8k/train/2']);
  });

  it('drops records whose normalized instruction was already kept', () => {
    const built = buildTrainingSet(
      [
        record('a/1', 'How many apples?'),
        record('a/2', '  how   MANY apples?\n'),
        record('a/3', 'How many pears?'),
        record('a/4', 'How many apples?'),
      ],
      { ...noLeakage, dedup: true },
    );
    assert.equal(built.recordsIn, 4);
    assert.equal(built.recordsWritten, 2);
    assert.equal(built.duplicatesDropped, 2);
    assert.match(
      built.jsonl.toString(),
      /^\{"instruction":"How many apples\?","output":"solution of a\/1"\}\n\{"instruction":"How many pears\?"/,
    );
    assert.equal(buildTrainingSet([record('a/1', 'x'), record('a/2', 'X')], noLeakage).recordsWritten, 2);
  });

  it('refuses a set with an evaluation question inside an instruction, or reports it by flag', () => {
    const evaluation: SourceExample = {
      id: 'gsm8k/test/5',
      category: 'math',
      dataset: 'gsm8k',
      split: 'test',
      question:
        'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?',
      groundTruth: { kind: 'final-answer', finalAnswer: '3' },
      referenceSolution: '#### 3',
      metadata: {},
    };
    const leakage = new LeakageIndex([evaluation]);
    const leaked = record(
      'gsm8k/train/9',
      `Question: a robe takes 2 bolts of blue  fiber and half that much white fiber.\nHow many bolts in total does it take?\nAnswer:`,
    );
    const clean = record('gsm8k/train/8', 'Question: A robe takes 3 bolts of red fiber.\nAnswer:');
    assert.throws(
      () => buildTrainingSet([clean, leaked], { dedup: false, leakage, leakageReportOnly: false }),
      /1 record\(s\) hold evaluation questions, e.g. gsm8k\/train\/9 contains gsm8k\/test\/5; nothing was written/,
    );
    const reported = buildTrainingSet([clean, leaked], { dedup: false, leakage, leakageReportOnly: true });
    assert.deepEqual(reported.leakedIds, ['gsm8k/train/9']);
    assert.equal(reported.recordsWritten, 2);
    assert.match(
      reported.provenance.toString(),
      /"source_id":"gsm8k\/train\/9".*"leaked_from":"gsm8k\/test\/5"/,
    );
  });
});

describe('writeTrainingSet', () => {
  const out = mkdtempSync(join(tmpdir(), 'failmine-writer-'));
  const registry = new DatasetRegistry(DATASETS_DIR);
  after(() => rmSync(out, { recursive: true, force: true }));
  const request = {
    name: 'math_training_ready.jsonl',
    dedup: true,
    leakageSplits: ['gsm8k/test'],
    leakageReportOnly: false,
    outputPath: 'phase1b2/math_training_ready.jsonl',
  };

  it('checks real GSM8K train records against gsm8k/test and writes the file and its sidecar', async () => {
    const train = (await registry.load(await registry.get('gsm8k'), 'train')).slice(0, 50);
    const records = train.map((e) => record(e.id, `Question: ${e.question}\nAnswer:`, e.referenceSolution));
    const written = await writeTrainingSet({ registry, outputDir: out }, request, stream(records));
    assert.equal(written.recordsWritten, 50);
    assert.deepEqual(readdirSync(join(out, 'phase1b2')), [
      'math_training_ready.jsonl',
      'math_training_ready.provenance.jsonl',
    ]);
    assert.ok(readFileSync(join(out, 'phase1b2', 'math_training_ready.jsonl')).equals(written.jsonl));
    const again = await writeTrainingSet(
      { registry, outputDir: out },
      request,
      stream([...records].reverse()),
    );
    assert.ok(again.jsonl.equals(written.jsonl));
  });

  it('refuses a GSM8K test question and leaves the existing file untouched', async () => {
    const before = readFileSync(join(out, 'phase1b2', 'math_training_ready.jsonl'));
    const [test] = await registry.load(await registry.get('gsm8k'), 'test');
    const leak = record('gsm8k/train/1', `Question: ${test?.question}\nAnswer:`);
    await assert.rejects(
      writeTrainingSet({ registry, outputDir: out }, request, stream([leak])),
      /contains gsm8k\/test\/0/,
    );
    assert.ok(readFileSync(join(out, 'phase1b2', 'math_training_ready.jsonl')).equals(before));
    assert.deepEqual(readdirSync(join(out, 'phase1b2')).length, 2);
  });

  it('refuses bad names, escaping output paths and malformed leakage splits before reading records', async () => {
    const env = { registry, outputDir: out };
    await assert.rejects(
      writeTrainingSet(env, { ...request, name: '../x.jsonl' }, stream([])),
      /options.name/,
    );
    await assert.rejects(
      writeTrainingSet(env, { ...request, outputPath: '../escape.jsonl' }, stream([])),
      /leaves the output directory/,
    );
    await assert.rejects(
      writeTrainingSet(env, { ...request, outputPath: '/abs.jsonl' }, stream([])),
      /relative path/,
    );
    await assert.rejects(
      writeTrainingSet(env, { ...request, leakageSplits: ['gsm8k'] }, stream([])),
      /"dataset\/split"/,
    );
    await assert.rejects(
      writeTrainingSet(env, { ...request, leakageSplits: ['nope/test'] }, stream([])),
      /no dataset "nope"/,
    );
  });
});

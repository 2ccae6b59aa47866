import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DatasetRegistry } from '../src/loaders/dataset-registry.js';
import { MANIFEST_FILE } from '../src/loaders/generic-jsonl-loader.js';

describe('generic JSONL datasets with a field mapping', () => {
  const data = mkdtempSync(join(tmpdir(), 'failmine-generic-'));
  after(() => rmSync(data, { recursive: true, force: true }));
  const manifest = {
    category: 'creativity',
    license: 'CC-BY-4.0',
    splits: { train: 'train.jsonl', test: 'test.jsonl' },
    exemplarSplit: 'train',
    fields: {
      id: 'uid',
      question: 'q',
      solution: 'why',
      answer: 'gold',
      choices: 'opts',
      metadata: ['topic'],
    },
  };
  const row = (uid: number, gold: string) =>
    JSON.stringify({
      uid,
      q: `Pick ${uid}`,
      why: `because ${uid}`,
      gold,
      opts: ['x', 'y', 'z'],
      topic: 'toys',
    });

  it('maps fields, ids and choices, and is listed with its split sizes', async () => {
    mkdirSync(join(data, 'quiz'));
    writeFileSync(join(data, 'quiz', MANIFEST_FILE), JSON.stringify(manifest));
    writeFileSync(join(data, 'quiz', 'train.jsonl'), `${row(1, 'a')}\n${row(2, 'C')}\n`);
    writeFileSync(join(data, 'quiz', 'test.jsonl'), `${row(7, 'B')}\n`);
    const registry = new DatasetRegistry(data);
    const quiz = await registry.get('quiz');
    assert.equal(quiz.evalSplit, 'test');
    assert.equal(quiz.license, 'CC-BY-4.0');
    const [first] = await registry.load(quiz, 'train');
    assert.deepEqual(first, {
      id: 'quiz/train/1',
      category: 'creativity',
      dataset: 'quiz',
      split: 'train',
      question: 'Pick 1',
      groundTruth: { kind: 'multiple-choice', answerLetter: 'A', choices: ['x', 'y', 'z'] },
      referenceSolution: 'because 1',
      metadata: { source: `${join(data, 'quiz', 'train.jsonl')}:1`, topic: 'toys' },
    });
    assert.deepEqual(
      (await registry.list()).map((d) => d.name),
      ['quiz', 'synthetic-math'],
    );
  });

  it('refuses an unknown manifest key and a bad answer, naming where', async () => {
    mkdirSync(join(data, 'typo'));
    writeFileSync(join(data, 'typo', MANIFEST_FILE), JSON.stringify({ ...manifest, categroy: 'math' }));
    await assert.rejects(
      new DatasetRegistry(data).get('typo'),
      /failmine-dataset\.json: field "": Unrecognized key: "categroy"/,
    );
    mkdirSync(join(data, 'bad'));
    writeFileSync(join(data, 'bad', MANIFEST_FILE), JSON.stringify(manifest));
    writeFileSync(join(data, 'bad', 'train.jsonl'), `${row(1, 'Q')}\n`);
    const registry = new DatasetRegistry(data);
    await assert.rejects(
      registry.load(await registry.get('bad'), 'train'),
      /train\.jsonl:1: field "gold" must be one of A, B, C, got "Q"/,
    );
  });
});

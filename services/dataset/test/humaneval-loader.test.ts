import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadHumanEval } from '../src/loaders/humaneval-loader.js';
import { DATASETS_DIR } from './real-datasets.js';

const dir = join(DATASETS_DIR, 'humaneval');

describe('loadHumanEval', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'failmine-humaneval-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('loads the 164 problems of the real file with their tests', async () => {
    const examples = await loadHumanEval(dir, 'test');
    assert.equal(examples.length, 164);
    assert.equal(new Set(examples.map((e) => e.id)).size, 164);
    const first = examples[0];
    assert.equal(first?.id, 'humaneval/test/0');
    assert.equal(first?.category, 'code');
    assert.equal(first?.metadata.entry_point, 'has_close_elements');
    assert.ok(first?.question.startsWith('from typing import List'));
    assert.equal(first?.groundTruth.kind, 'code');
    if (first?.groundTruth.kind === 'code') {
      assert.equal(first.groundTruth.code.entryPoint, 'has_close_elements');
      assert.match(first.groundTruth.code.testProgram, /def check\(candidate\)/);
    }
    assert.match(first?.referenceSolution ?? '', /return False/);
  });

  it('reads the .jsonl.gz OpenAI ships, with the same result', async () => {
    writeFileSync(join(tmp, 'HumanEval.jsonl.gz'), gzipSync(readFileSync(join(dir, 'HumanEval.jsonl'))));
    const fromGz = await loadHumanEval(tmp, 'test');
    assert.equal(fromGz.length, 164);
    assert.equal(fromGz[163]?.referenceSolution, (await loadHumanEval(dir, 'test'))[163]?.referenceSolution);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadMmlu, mmluSplits } from '../src/loaders/mmlu-loader.js';
import { DATASETS_DIR } from './real-datasets.js';

const dir = join(DATASETS_DIR, 'mmlu');

describe('loadMmlu on the real files', () => {
  it('finds the splits as shipped: dev and test (no val)', async () => {
    assert.deepEqual(await mmluSplits(dir), ['dev', 'test']);
  });

  it('loads 285 dev questions (5 for each of 57 subjects) and 14,042 test questions', async () => {
    const dev = await loadMmlu(dir, 'dev');
    assert.equal(dev.length, 285);
    const perSubject = new Map<string, number>();
    for (const e of dev)
      perSubject.set(e.metadata.subject ?? '', (perSubject.get(e.metadata.subject ?? '') ?? 0) + 1);
    assert.equal(perSubject.size, 57);
    assert.ok([...perSubject.values()].every((n) => n === 5));
    const test = await loadMmlu(dir, 'test');
    assert.equal(test.length, 14042);
    assert.equal(test.filter((e) => e.metadata.subject === 'abstract_algebra').length, 100);
    assert.equal(test.filter((e) => e.metadata.subject === 'professional_law').length, 1534);
  });

  it('maps the 0-based answer index to a letter and keeps 4 choices', async () => {
    const [first] = await loadMmlu(dir, 'test');
    assert.equal(first?.id, 'mmlu/test/abstract_algebra/0');
    assert.deepEqual(first?.groundTruth, {
      kind: 'multiple-choice',
      answerLetter: 'B',
      choices: ['0', '4', '2', '6'],
    });
    assert.equal(first?.referenceSolution, 'B');
    assert.equal(first?.category, 'creativity');
  });
});

describe('loadMmlu on the raw hendrycks layout', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'failmine-mmlu-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads header-less rows with an answer letter, quoted commas and newlines included', async () => {
    mkdirSync(join(tmp, 'val'));
    writeFileSync(
      join(tmp, 'val', 'astronomy_val.csv'),
      'What is 2+2?,3,4,5,6,B\n"A, b\nc?",x,y,"z, w",v,D\n',
    );
    const rows = await loadMmlu(tmp, 'val');
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.metadata.subject, 'astronomy');
    assert.deepEqual(rows[1]?.groundTruth, {
      kind: 'multiple-choice',
      answerLetter: 'D',
      choices: ['x', 'y', 'z, w', 'v'],
    });
    assert.equal(rows[1]?.question, 'A, b\nc?');
    assert.equal(rows[1]?.metadata.source, `${join(tmp, 'val', 'astronomy_val.csv')}:2`);
  });
});

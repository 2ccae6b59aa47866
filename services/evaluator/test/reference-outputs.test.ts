import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import {
  parseReferenceOutputs,
  readReferenceOutputs,
  referenceOutputsFor,
} from '../src/compare/reference-outputs.js';

const rejectsWith = (text: string, message: string) =>
  assert.throws(
    () => parseReferenceOutputs(text, 'refs.jsonl'),
    (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${err.name}`);
      assert.equal(err.message.slice(0, message.length), message);
      return true;
    },
  );

describe('reference outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-refs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads one {id, output} per line, skipping blank lines, ignoring extra keys, tolerating CRLF', () => {
    const text = '{"id":"a","output":"#### 1"}\r\n\n{"id":"b","output":"","model":"x"}\n';
    const outputs = parseReferenceOutputs(text, 'refs.jsonl');
    assert.deepEqual(
      [...outputs],
      [
        ['a', '#### 1'],
        ['b', ''],
      ],
    );
  });

  it('names file, line and field of every problem', () => {
    rejectsWith('{"id":"a","output":"1"}\n{"id": "b",', 'refs.jsonl:2: not valid JSON');
    rejectsWith('["a", "1"]', 'refs.jsonl:1: expected a JSON object');
    rejectsWith(
      '\n\n{"output":"1"}',
      'refs.jsonl:3:id: expected a non-empty string, got nothing (field missing)',
    );
    rejectsWith('{"id":7,"output":"1"}', 'refs.jsonl:1:id: expected a non-empty string, got a number');
    rejectsWith('{"id":"a","output":null}', 'refs.jsonl:1:output: expected a string, got null');
  });

  it('rejects a duplicate id, naming both lines', () => {
    rejectsWith(
      '{"id":"a","output":"1"}\n{"id":"b","output":"2"}\n{"id":"a","output":"3"}',
      'refs.jsonl:3:id: duplicate id "a" (first on line 1)',
    );
  });

  it('reads a file by path, and answers NOT_FOUND for a missing one', async () => {
    const path = join(dir, 'refs.jsonl');
    writeFileSync(path, '{"id":"x","output":"#### 3"}\n');
    assert.equal((await readReferenceOutputs(path)).get('x'), '#### 3');
    await assert.rejects(readReferenceOutputs(join(dir, 'nope.jsonl')), NotFoundError);
    writeFileSync(path, '{"id":"x","output":3}\n');
    await assert.rejects(readReferenceOutputs(path), new RegExp(`^InvalidArgumentError: ${path}:1:output`));
  });

  it('pairs outputs with item ids, naming the ids that have none', () => {
    const outputs = parseReferenceOutputs('{"id":"a","output":"1"}\n{"id":"b","output":"2"}', 'r.jsonl');
    assert.deepEqual(referenceOutputsFor(outputs, ['b', 'a'], 'r.jsonl'), ['2', '1']);
    assert.throws(
      () => referenceOutputsFor(outputs, ['a', 'c', 'd'], 'r.jsonl'),
      /r\.jsonl: no reference output for 2 of 3 items \("c", "d"\)/,
    );
  });
});

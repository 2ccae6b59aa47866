import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import { runTrainingJob } from '../src/training-job.js';
import { parseTrainingJsonl, readTrainingRecords } from '../src/training-records.js';
import { fastOptions } from './support/run-job.js';

const GOOD = '{"instruction":"a","output":"b"}';

function rejects(text: string | Uint8Array, where: string, why: RegExp): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  assert.throws(
    () => parseTrainingJsonl(bytes, 'math.jsonl'),
    (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError, `${err.name}: ${err.message}`);
      assert.ok(err.message.startsWith(`${where}: `), err.message);
      assert.match(err.message, why);
      return true;
    },
  );
}

describe('training records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-records-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads records from several files in order, skipping blank lines and CRLF', async () => {
    writeFileSync(join(dir, 'a.jsonl'), `${GOOD}\r\n\n{"instruction":"c","output":"d","id":7}\n`);
    writeFileSync(join(dir, 'b.jsonl'), '{"instruction":"e","output":"f"}');
    const records = await readTrainingRecords([
      { path: join(dir, 'a.jsonl') },
      { path: join(dir, 'b.jsonl') },
    ]);
    assert.deepEqual(
      records.map((r) => [r.instruction, r.output, r.where]),
      [
        ['a', 'b', `${join(dir, 'a.jsonl')}:1`],
        ['c', 'd', `${join(dir, 'a.jsonl')}:3`],
        ['e', 'f', `${join(dir, 'b.jsonl')}:1`],
      ],
    );
  });

  it('names file:line for bad JSON, a non-object, missing or non-string fields', () => {
    rejects(`${GOOD}\n{"instruction": "x", "output": `, 'math.jsonl:2', /bad JSON/);
    rejects(`${GOOD}\n\n[1, 2]\n`, 'math.jsonl:3', /expected a JSON object/);
    rejects(`${GOOD}\n{"instruction":"x"}\n`, 'math.jsonl:2', /missing "output"/);
    rejects('{"output":"x"}\n', 'math.jsonl:1', /missing "instruction"/);
    rejects(
      `${GOOD}\n${GOOD}\n{"instruction":"x","output":3}\n`,
      'math.jsonl:3',
      /"output" must be a string, got number/,
    );
    rejects(
      '{"instruction":null,"output":"y"}\n',
      'math.jsonl:1',
      /"instruction" must be a string, got null/,
    );
  });

  it('names file:line for invalid UTF-8', () => {
    const bad = Buffer.concat([
      Buffer.from(`${GOOD}\n{"instruction":"`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","output":"y"}\n'),
    ]);
    rejects(bad, 'math.jsonl:2', /invalid UTF-8/);
  });

  it('refuses an empty file (or one of blank lines), naming it', () => {
    for (const text of ['', '\n  \n']) {
      assert.throws(
        () => parseTrainingJsonl(Buffer.from(text), 'empty.jsonl'),
        /^InvalidArgumentError: empty\.jsonl: empty file/,
      );
    }
  });

  it('a job with a bad second file fails before the model is read', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), `${GOOD}\n${GOOD}\nnot json\n`);
    const job = runTrainingJob(
      {
        jobId: 'bad',
        // Never read: the records are checked first.
        modelDir: join(dir, 'no-such-model'),
        datasets: [{ path: join(dir, 'a.jsonl') }, { path: join(dir, 'bad.jsonl'), label: 'bad.jsonl' }],
        options: fastOptions(),
        resume: false,
      },
      join(dir, 'ckpt'),
      { device: 'cpu', threads: 1 },
    );
    await assert.rejects(job.next(), /^InvalidArgumentError: bad\.jsonl:3: bad JSON/);
  });
});

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CancelledError,
  DataLossError,
  FailedPreconditionError,
  InvalidArgumentError,
} from '@failmine/runtime';
import { compare } from '../src/compare/compare.js';
import { fileStateStore, RECORDS_FILE } from '../src/compare/compare-state-file.js';
import { baseInput, fakeClients, run } from './support/fake-compare-clients.js';

// Resume by evaluation id through the file store, with in-memory fakes of the services; the
// evaluator killed with SIGKILL as a real process is in compare-resume.int.test.ts.

const idNumber = (id: string) => Number(id.split('/').at(-1));
// gsm8k: wins 0-3, ties 4, 5, 8, 9, losses 6, 7; mmlu: 4 losses (as in compare.test.ts).
const right = (m: string, id: string) => {
  if (id.startsWith('mmlu/')) return m === 'base-id';
  return m === 'cand-id' ? idNumber(id) <= 5 : idNumber(id) >= 4 && idNumber(id) <= 7;
};
const scope = () => ({ signal: new AbortController().signal });

describe('compare: resume by evaluation_id (file state)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-evaluator-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = fileStateStore(dir);

  /** Runs `id` until the candidate has `stopAt` completions, then cancels it. */
  async function interrupted(id: string, stopAt: number) {
    const { clients } = fakeClients(right);
    const abort = new AbortController();
    await assert.rejects(
      (async () => {
        for await (const e of compare(
          { ...baseInput, evaluationId: id },
          clients,
          { signal: abort.signal },
          store,
        )) {
          if (e.kind === 'progress' && e.phase === 'generate candidate' && e.done === stopAt) abort.abort();
        }
      })(),
      CancelledError,
    );
  }

  it('continues an interrupted comparison without generating finished items again', async () => {
    const whole = await run(baseInput, fakeClients(right).clients, scope());
    await interrupted('e-resume', 8);
    const records = readFileSync(join(dir, 'e-resume', RECORDS_FILE), 'utf8')
      .trim()
      .split('\n');
    assert.equal(records.length, 8);

    const { clients, calls } = fakeClients(right);
    const resumed = await run({ ...baseInput, evaluationId: 'e-resume' }, clients, scope(), store);
    // 14 items per side: the candidate's 6 left in batches of 4, all of the reference's.
    assert.deepEqual(calls.generateBatches, [4, 2, 4, 4, 4, 2]);
    const first = resumed.events.find((e) => e.kind === 'progress' && e.phase === 'generate candidate');
    assert.deepEqual(first, { kind: 'progress', phase: 'generate candidate', done: 8, total: 14 });
    assert.deepEqual(resumed.evaluation.outcomes, whole.evaluation.outcomes);
    assert.deepEqual(resumed.evaluation.summary, whole.evaluation.summary);
    // Usage counts every completion of the evaluation, restored ones too.
    assert.equal(resumed.evaluation.usage.completionTokens, whole.evaluation.usage.completionTokens);

    // Once finished, a repeat does nothing but summarize; gates may change.
    const again = fakeClients(right);
    const gates = [
      { name: 'wins', metric: 'win_rate', operator: '>=' as const, threshold: 0.1, thresholdHigh: 0 },
    ];
    const repeat = await run(
      { ...baseInput, evaluationId: 'e-resume', gates },
      again.clients,
      scope(),
      store,
    );
    assert.deepEqual([again.calls.loads, again.calls.generateBatches, again.calls.graded], [[], [], []]);
    assert.deepEqual(repeat.evaluation.outcomes, whole.evaluation.outcomes);
    assert.equal(repeat.evaluation.summary.gates.length, 1);
  });

  it('refuses the same id with different parameters, naming the field', async () => {
    await interrupted('e-params', 4);
    const { clients, calls } = fakeClients(right);
    const differ = async (change: object, field: string) =>
      assert.rejects(
        run({ ...baseInput, evaluationId: 'e-params', ...change }, clients, scope(), store),
        (err: Error) => err instanceof FailedPreconditionError && err.message.includes(`different ${field};`),
      );
    await differ({ sampling: { ...baseInput.sampling, maxNewTokens: 32 } }, 'sampling.max_new_tokens');
    await differ(
      { forgettingSets: [{ ...(baseInput.forgettingSets[0] as object), limit: 2 }] },
      'forgetting_sets[0].limit',
    );
    await differ({ candidate: { name: 'cand', ref: { name: 'other' } } }, 'candidate.name');
    assert.deepEqual(calls.loads, []);
  });

  it('drops a record cut short by a kill and redoes only that item', async () => {
    await interrupted('e-torn', 4);
    const path = join(dir, 'e-torn', RECORDS_FILE);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    // What a kill in the middle of a write leaves: the last record without the end of its line.
    writeFileSync(path, `${lines.slice(0, 3).join('\n')}\n${(lines[3] as string).slice(0, 20)}`);
    const { clients, calls } = fakeClients(right);
    await run({ ...baseInput, evaluationId: 'e-torn' }, clients, scope(), store);
    assert.deepEqual(calls.generateBatches.slice(0, 3), [4, 4, 3]);
  });

  it('refuses a damaged record naming the file and line', async () => {
    await interrupted('e-bad', 4);
    const path = join(dir, 'e-bad', RECORDS_FILE);
    appendFileSync(path, '{"t":"verdict","side":"candidate","id":"x"}\n');
    await assert.rejects(
      run({ ...baseInput, evaluationId: 'e-bad' }, fakeClients(right).clients, scope(), store),
      (err: Error) => err instanceof DataLossError && err.message.startsWith(`${path}:5:correct: `),
    );
  });

  it('refuses an evaluation id that is not a safe folder name, and one already running', async () => {
    await assert.rejects(
      run({ ...baseInput, evaluationId: '../x' }, fakeClients(right).clients, scope(), store),
      (err: Error) => err instanceof InvalidArgumentError && err.message.startsWith('evaluation_id: '),
    );
    const open = await store.open('e-busy', {});
    await assert.rejects(store.open('e-busy', {}), FailedPreconditionError);
    await open.close();
    await (await store.open('e-busy', {})).close();
  });
});

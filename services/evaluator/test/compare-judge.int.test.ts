// The pairwise judge inside Compare, as real processes: a generic JSONL dataset of open-ended
// questions (dataset service), the tiny random llama as the candidate (inference), a reference
// outputs file, and a pairwise-judge grader whose judge is its OpenAI-compatible backend pointed
// at a stand-in written here. The stand-in judges by a rule, so the verdicts are predictable.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Category, type Evaluation, EvaluatorServiceClient } from '@failmine/contracts';
import { serviceProcesses } from '@failmine/testing';
import { writeTinyModelAndAdapter } from './support/tiny-model.js';

// The reference's answers: "GOOD" beats anything, "BAD" loses to anything (the random model
// writes neither), "meh" ties with it.
const REFERENCE = ['GOOD essay', 'GOOD poem', 'BAD essay', 'BAD poem', 'meh'];

/** The answer shown as `letter` in a judge prompt ([Answer A] ... [Answer B] ... [Verdict]). */
function answer(prompt: string, letter: 'A' | 'B'): string {
  const start = prompt.lastIndexOf(`[Answer ${letter}]\n`);
  const end = prompt.lastIndexOf(letter === 'A' ? '\n\n[Answer B]' : '\n\n[Verdict]');
  return prompt.slice(start, end);
}
const score = (text: string) => (text.includes('GOOD') ? 1 : text.includes('BAD') ? -1 : 0);

describe('Compare with open-ended items decided by a pairwise-judge grader (real processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-evaluator-judge-'));
  let judge: Server;
  let judgeCalls = 0;
  const services = serviceProcesses();

  before(async () => {
    await writeTinyModelAndAdapter(dir);
    const data = join(dir, 'data', 'essays');
    mkdirSync(data, { recursive: true });
    writeFileSync(
      join(data, 'failmine-dataset.json'),
      JSON.stringify({
        category: 'creativity',
        splits: { test: 'test.jsonl' },
        fields: { id: 'id', question: 'question', solution: 'solution' },
      }),
    );
    writeFileSync(
      join(data, 'test.jsonl'),
      REFERENCE.map(
        (_, i) => `${JSON.stringify({ id: `e${i}`, question: `Write piece ${i}.`, solution: 'any' })}\n`,
      ).join(''),
    );
    writeFileSync(
      join(dir, 'reference.jsonl'),
      REFERENCE.map((output, i) => `${JSON.stringify({ id: `essays/test/e${i}`, output })}\n`).join(''),
    );
    judge = createServer(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      judgeCalls++;
      const prompt = (JSON.parse(raw) as { messages: { content: string }[] }).messages.at(-1)?.content ?? '';
      const [a, b] = [score(answer(prompt, 'A')), score(answer(prompt, 'B'))];
      const verdict = a > b ? '[[A]]' : a < b ? '[[B]]' : '[[tie]]';
      const body = {
        choices: [{ index: 0, message: { role: 'assistant', content: `${verdict} by rule.` } }],
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    judge.listen(0, '127.0.0.1');
    await once(judge, 'listening');
    const judgeUrl = `http://127.0.0.1:${(judge.address() as AddressInfo).port}/v1`;
    const topology = await services.startTopology(['dataset', 'inference', 'grader'], (name) => ({
      artifactsDir: join(dir, `${name}-artifacts`),
      args: {
        dataset: ['--data-dir', join(dir, 'data'), '--output-dir', join(dir, 'out')],
        inference: [],
        grader: ['--grader', 'pairwise-judge', '--judge-url', judgeUrl, '--judge-api-model', 'rule-judge'],
      }[name as 'dataset' | 'inference' | 'grader'],
    }));
    await services.start('evaluator', {
      artifactsDir: join(dir, 'evaluator-artifacts'),
      args: [
        ...[
          '--dataset-address',
          topology.address('dataset'),
          '--inference-address',
          topology.address('inference'),
        ],
        ...['--grader-address-judge', topology.address('grader'), '--state-dir', join(dir, 'state')],
      ],
    });
  });

  after(async () => {
    await services.stop();
    judge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts the judge's WIN / TIE / LOSS as the items' verdicts", async () => {
    const client = services.connect(EvaluatorServiceClient, services.get('evaluator').address);
    let evaluation: Evaluation | undefined;
    const stream = client.compare(
      {
        evaluationId: 'judge-1',
        candidate: {
          source: { $case: 'path', path: join(dir, 'tiny-llama') },
          adapters: [],
          displayName: '',
        },
        reference: {
          source: {
            $case: 'outputs',
            outputs: { name: '', sha256: '', sizeBytes: 0, mediaType: '', uri: join(dir, 'reference.jsonl') },
          },
        },
        set: { dataset: 'essays', category: Category.CATEGORY_UNSPECIFIED, split: 'test', limit: 0, ids: [] },
        forgettingSets: [],
        gates: [],
        sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens: 8, stop: [], seed: 0 },
        gradeOptions: undefined,
      },
      { deadline: Date.now() + 120_000 },
    );
    for await (const msg of stream) {
      const e = (msg as { event?: { evaluation?: Evaluation } }).event;
      if (e?.evaluation) evaluation = e.evaluation;
    }
    const o = evaluation?.overall;
    // BAD references lose to the candidate, GOOD ones beat it, "meh" ties.
    assert.deepEqual([o?.wins?.count, o?.ties?.count, o?.losses?.count], [2, 1, 2]);
    // Judged items have no ground truth: no failure rate counts them.
    assert.deepEqual([o?.failureRateBefore?.total, o?.failureRateAfter?.total], [0, 0]);
    assert.equal(o?.items, 5);
    // Both orders asked for each item.
    assert.equal(judgeCalls, 2 * REFERENCE.length);
  });
});

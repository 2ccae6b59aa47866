// Swapping the grader is a change of address, nothing else: the same `failmine extract` runs
// against the built-in grader service (gsm8k-numeric) and against a second implementation, a
// separate program that shares only the contract (support/alt-grader.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Category, type GradeItem, GraderServiceClient } from '@failmine/contracts';
import {
  killLeftoverProcesses,
  repoRoot,
  type ServiceProcess,
  startServiceProcess,
} from '@failmine/topology';
import { describeOverSocket } from './support/describe-over-socket.js';
import { gradeOverSocket } from './support/grade-over-socket.js';
import { LAST_NUMBER_IMPLEMENTATION } from './support/last-number-verdict.js';
import { runCli } from './support/run-cli.js';
import { type ProgramProcess, startProgram } from './support/start-program.js';
import { writeTinyLlama } from './support/tiny-llama.js';

const DATASETS = join(repoRoot, '..', 'shared', 'datasets');
const ALT_GRADER = join(import.meta.dirname, 'support', 'alt-grader.ts');
const LIMIT = 6;
const missing = existsSync(join(DATASETS, 'gsm8k', 'train.jsonl'))
  ? undefined
  : `${DATASETS}/gsm8k/train.jsonl is missing`;
if (missing) console.log(`SKIP grader swap: ${missing}`);

/** The first GSM8K train problems, each answered three ways: right, wrong and with no number. */
function gsm8kItems(n: number): GradeItem[] {
  const lines = readFileSync(join(DATASETS, 'gsm8k', 'train.jsonl'), 'utf8')
    .split('\n')
    .slice(0, n);
  return lines.flatMap((line, i) => {
    const { question, answer } = JSON.parse(line) as { question: string; answer: string };
    const finalAnswer = answer.slice(answer.lastIndexOf('####') + 4).trim();
    const item = (kind: string, completion: string): GradeItem => ({
      id: `gsm8k/train/${i}/${kind}`,
      category: Category.CATEGORY_MATH,
      prompt: question,
      completion,
      groundTruth: { kind: { $case: 'finalAnswer', finalAnswer } },
      otherCompletion: '',
    });
    const wrong = `${Number(finalAnswer.replaceAll(',', '')) + 1}`;
    return [
      item('reference', answer),
      item('wrong', `${answer.slice(0, answer.lastIndexOf('####'))}#### ${wrong}`),
      item('none', 'I cannot work this one out.'),
    ];
  });
}

describe('grader swap: the same run against two grader implementations', { skip: missing }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-e2e-swap-'));
  let model = '';
  let builtIn: ServiceProcess;
  let alt: ProgramProcess;

  before(async () => {
    [model, builtIn, alt] = await Promise.all([
      writeTinyLlama(dir, 2048),
      startServiceProcess('grader', {
        artifactsDir: join(dir, 'grader'),
        args: ['--grader', 'gsm8k-numeric'],
      }),
      startProgram(ALT_GRADER),
    ]);
  });

  after(async () => {
    await alt?.stop();
    await killLeftoverProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Describe tells the implementations apart; both are graders of failmine.v1 for math', async () => {
    const [a, b] = await Promise.all([
      describeOverSocket(GraderServiceClient, builtIn.address),
      describeOverSocket(GraderServiceClient, alt.address),
    ]);
    assert.equal(a.implementation, 'gsm8k-numeric');
    assert.equal(b.implementation, LAST_NUMBER_IMPLEMENTATION);
    for (const info of [a, b]) {
      assert.equal(info.name, 'grader');
      assert.equal(info.apiVersion, 'failmine.v1');
      assert.ok(info.capabilities.includes('CATEGORY_MATH'), `${info.implementation}: ${info.capabilities}`);
    }
  });

  it('on right, wrong and answerless GSM8K completions both give the same right/wrong verdicts', async () => {
    const items = gsm8kItems(LIMIT);
    const [a, b] = await Promise.all([
      gradeOverSocket(builtIn.address, items),
      gradeOverSocket(alt.address, items),
    ]);
    assert.deepEqual(
      a.map((v) => v.itemId),
      items.map((i) => i.id),
    );
    assert.deepEqual(
      b.map((v) => [v.itemId, v.correct]),
      a.map((v) => [v.itemId, v.correct]),
    );
    // Not vacuous: the reference solutions are right and the others wrong.
    assert.deepEqual(
      a.map((v) => v.correct),
      items.map((i) => i.id.endsWith('/reference')),
    );
  });

  it(`failmine extract --limit ${LIMIT}: only --grader-address differs, and both runs mine the same failures`, {
    timeout: 300_000,
  }, async () => {
    const extract = (name: string, graderAddress: string) =>
      runCli([
        'extract',
        '--model-path',
        model,
        '--categories',
        'math',
        '--limit',
        String(LIMIT),
        '--max-new-tokens',
        '8',
        '--data-dir',
        DATASETS,
        '--output-dir',
        join(dir, name, 'out'),
        '--db-dir',
        join(dir, name, 'db'),
        '--grader-address',
        graderAddress,
      ]);
    // One after the other: each run starts its own dataset and inference on 2 cores.
    const runs = [await extract('built-in', builtIn.address), await extract('alt', alt.address)];
    const summaries = runs.map((res) => {
      assert.equal(res.code, 0, res.stderr + res.stdout);
      const summary = /extract math: (\d+) items, (\d+) failures/.exec(res.stdout);
      assert.ok(summary, res.stdout);
      return { items: Number(summary[1]), failures: Number(summary[2]) };
    });
    assert.deepEqual(summaries[0], { items: LIMIT, failures: summaries[0]?.failures });
    assert.deepEqual(summaries[1], summaries[0]);
    const [a, b] = ['built-in', 'alt'].map((name) =>
      readFileSync(join(dir, name, 'out', 'math_training_ready.jsonl'), 'utf8'),
    );
    assert.equal(b, a, 'the training sets differ: the graders disagreed on some item');
  });
});

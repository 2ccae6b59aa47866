import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Category, GraderServiceClient, Outcome } from '@failmine/contracts';
import { ArtifactStore, callUnary, createLogger } from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { createGrader } from '../src/grader-registry.js';
import { createServer } from '../src/server.js';
import { gradeAll, mathGradeItem, mathItem } from './grade-client.js';

describe('grader server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-grader-'));
  let server: InProcessServer;
  let client: GraderServiceClient;

  before(async () => {
    const grpc = createServer({
      version: '1.2.3',
      grader: await createGrader('gsm8k-numeric'),
      artifacts: new ArtifactStore(dir),
      logger: createLogger('grader-test', 'silent'),
    });
    server = await serveInProcess(grpc);
    client = server.connect(GraderServiceClient, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'grader');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.implementation, 'gsm8k-numeric');
    assert.deepEqual(res.categories, [Category.CATEGORY_MATH]);
    assert.equal(res.pairwise, false);
  });

  it('answers one verdict per item, in order, with the rule and extracted answer', async () => {
    const items = Array.from({ length: 50 }, (_, i) =>
      mathItem(`m${i}`, `so #### ${i}`, String(i % 2 === 0 ? i : i + 1)),
    );
    const { verdicts, error } = await gradeAll(client, items);
    assert.equal(error, undefined);
    assert.deepEqual(
      verdicts.map((v) => v.itemId),
      items.map((_, i) => `m${i}`),
    );
    assert.equal(verdicts.filter((v) => v.correct).length, 25);
    assert.equal(verdicts[2]?.outcome, Outcome.OUTCOME_CORRECT);
    assert.equal(verdicts[3]?.outcome, Outcome.OUTCOME_INCORRECT);
    assert.equal(verdicts[3]?.extractedAnswer, '3');
    assert.equal(verdicts[3]?.rule, 'hash-marker');
  });

  it('applies options sent first (strict mode)', async () => {
    const { verdicts } = await gradeAll(client, [
      {
        message: {
          $case: 'options',
          options: { mode: 'strict', itemTimeoutMs: 0, includeChallengeTests: false },
        },
      },
      mathItem('s1', 'The answer is 4', '4'),
    ]);
    assert.equal(verdicts[0]?.outcome, Outcome.OUTCOME_NO_ANSWER);
  });

  it('is idempotent by item id: the same item twice gets the same verdict', async () => {
    const a = await gradeAll(client, [mathItem('i1', 'It is 7', '7'), mathItem('i1', 'It is 7', '7')]);
    const b = await gradeAll(client, [mathItem('i1', 'It is 7', '7')]);
    assert.equal(a.verdicts.length, 2);
    assert.deepEqual(a.verdicts[0], a.verdicts[1]);
    assert.deepEqual(b.verdicts[0], a.verdicts[0]);
  });

  it('rejects with INVALID_ARGUMENT: same id with other content, missing fields, wrong category, options late', async () => {
    const cases: [string, Parameters<typeof gradeAll>[1], RegExp][] = [
      ['dup', [mathItem('d1', '7', '7'), mathItem('d1', '8', '7')], /different content/],
      ['no id', [mathItem('', '7', '7')], /item\.id is required/],
      ['empty', [{ message: undefined }], /request\.message is empty/],
      [
        'no truth',
        [{ message: { $case: 'item', item: { ...mathGradeItem('t', '1', '1'), groundTruth: undefined } } }],
        /item\.ground_truth is required/,
      ],
      [
        'category',
        [
          {
            message: {
              $case: 'item',
              item: { ...mathGradeItem('c', '1', '1'), category: Category.CATEGORY_CODE },
            },
          },
        ],
        /category code is not handled by gsm8k-numeric/,
      ],
      [
        'late options',
        [
          mathItem('o', '1', '1'),
          {
            message: {
              $case: 'options',
              options: { mode: 'strict', itemTimeoutMs: 0, includeChallengeTests: false },
            },
          },
        ],
        /options must be the first message/,
      ],
      [
        'bad mode',
        [
          {
            message: {
              $case: 'options',
              options: { mode: 'fuzzy', itemTimeoutMs: 0, includeChallengeTests: false },
            },
          },
        ],
        /strict, flexible/,
      ],
      ['bad truth', [mathItem('n', '1', 'one')], /final_answer "one" is not a number/],
    ];
    for (const [name, requests, message] of cases) {
      const { error } = await gradeAll(client, requests);
      assert.equal(error?.code, status.INVALID_ARGUMENT, name);
      assert.match(error?.details ?? '', message, name);
    }
  });

  it('delivers the verdicts before an invalid item, then the error', async () => {
    const { verdicts, error } = await gradeAll(client, [mathItem('ok1', '1', '1'), mathItem('', '1', '1')]);
    assert.deepEqual(
      verdicts.map((v) => v.itemId),
      ['ok1'],
    );
    assert.equal(error?.code, status.INVALID_ARGUMENT);
  });
});

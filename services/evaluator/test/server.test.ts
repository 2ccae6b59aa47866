import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Category,
  type CompareRequest,
  EvaluatorServiceClient,
  GateOperator,
  GateStatus,
  Outcome,
  type SummarizeRequest,
} from '@failmine/contracts';
import { ArtifactStore, callUnary, createLogger } from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { createGrpcCompareClients } from '../src/clients/grpc-compare-clients.js';
import { createServer } from '../src/server.js';

// Port 1 (tcpmux) is privileged and unused: connections are refused at once.
const NOBODY = '127.0.0.1:1';

describe('evaluator server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-evaluator-'));
  let server: InProcessServer;
  let client: EvaluatorServiceClient;

  before(async () => {
    const grpc = createServer({
      version: '1.2.3',
      datasetAddress: NOBODY,
      graderAddress: 'g:1',
      inferenceAddress: 'i:2',
      // Nothing listens at these: Compare either refuses first or finds the dataset service down.
      clients: createGrpcCompareClients({
        datasetAddress: NOBODY,
        graderAddress: 'g:1',
        inferenceAddress: 'i:2',
      }),
      artifacts: new ArtifactStore(dir),
      logger: createLogger('evaluator-test', 'silent'),
    });
    server = await serveInProcess(grpc);
    client = server.connect(EvaluatorServiceClient, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'evaluator');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.grader_address, 'g:1');
  });

  const compareError = async (req: Partial<CompareRequest>) => {
    const stream = client.compare({
      evaluationId: 'e1',
      candidate: { source: { $case: 'path', path: '/models/tiny' }, adapters: [], displayName: '' },
      reference: { source: { $case: 'baseModel', baseModel: true } },
      set: { dataset: 'gsm8k', category: Category.CATEGORY_UNSPECIFIED, split: 'test', limit: 5, ids: [] },
      forgettingSets: [],
      gates: [],
      sampling: undefined,
      gradeOptions: undefined,
      ...req,
    });
    const [err] = (await once(stream, 'error')) as [{ code: number; details: string }];
    return err;
  };

  it('refuses a bad Compare request with INVALID_ARGUMENT naming the field', async () => {
    const noCandidate = await compareError({ candidate: undefined });
    assert.equal(noCandidate.code, status.INVALID_ARGUMENT);
    assert.match(noCandidate.details, /^candidate\.source: /);
    const noAdapter = await compareError({});
    assert.equal(noAdapter.code, status.INVALID_ARGUMENT);
    assert.match(noAdapter.details, /^reference\.base_model: the candidate has no adapters/);
    const noSet = await compareError({
      reference: {
        source: {
          $case: 'model',
          model: { source: { $case: 'path', path: '/m' }, adapters: [], displayName: '' },
        },
      },
      set: { dataset: '', category: Category.CATEGORY_UNSPECIFIED, split: '', limit: 0, ids: [] },
    });
    assert.equal(noSet.code, status.INVALID_ARGUMENT);
    assert.match(noSet.details, /^set\.dataset: give a dataset or a category/);
  });

  it('answers UNAVAILABLE naming the dataset service when it is down (after retries)', async () => {
    const err = await compareError({
      candidate: {
        source: { $case: 'path', path: '/models/tiny' },
        adapters: [{ source: { $case: 'path', path: '/adapters/a' }, scale: 0 }],
        displayName: '',
      },
    });
    assert.equal(err.code, status.UNAVAILABLE);
    assert.match(err.details, /^dataset service at 127\.0\.0\.1:1: 14 UNAVAILABLE: /);
  });

  it('refuses a malformed OpenAI-compatible reference endpoint, naming the field', async () => {
    const endpointError = (endpoint: { baseUrl: string; model: string; apiKeyEnv: string }) =>
      compareError({ reference: { source: { $case: 'endpoint', endpoint } } });
    const cases = [
      [{ baseUrl: 'ftp://x/v1', model: 'm', apiKeyEnv: '' }, /^reference\.endpoint\.base_url: ftp: /],
      [{ baseUrl: 'not a url', model: 'm', apiKeyEnv: '' }, /^reference\.endpoint\.base_url: /],
      [{ baseUrl: 'http://x/v1', model: '', apiKeyEnv: '' }, /^reference\.endpoint\.model: empty/],
      // The key itself pasted where its variable's name belongs.
      [{ baseUrl: 'http://x/v1', model: 'm', apiKeyEnv: 'sk-abc123' }, /^reference\.endpoint\.api_key_env: /],
    ] as const;
    for (const [endpoint, message] of cases) {
      const err = await endpointError(endpoint);
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, message);
    }
  });

  const outcome = (
    itemId: string,
    candidateCorrect: boolean,
    referenceCorrect: boolean,
    subject: string,
  ) => ({
    itemId,
    category: Category.CATEGORY_MATH,
    candidateCorrect,
    referenceCorrect,
    labels: { subject },
    judged: Outcome.OUTCOME_UNSPECIFIED,
  });

  /** 10 wins, 2 losses, 28 ties (20 both right, 8 both wrong) over two subjects. */
  const outcomes = [
    ...Array.from({ length: 10 }, (_, i) => outcome(`w${i}`, true, false, i < 6 ? 'algebra' : 'geometry')),
    ...Array.from({ length: 2 }, (_, i) => outcome(`l${i}`, false, true, 'algebra')),
    ...Array.from({ length: 20 }, (_, i) => outcome(`r${i}`, true, true, 'geometry')),
    ...Array.from({ length: 8 }, (_, i) => outcome(`x${i}`, false, false, 'algebra')),
  ];

  it('summarizes outcomes: counts, intervals, McNemar, breakdown and the default gates', async () => {
    const res = await callUnary(client.summarize.bind(client), {
      outcomes,
      gates: [],
      breakdownBy: ['category', 'subject'],
      trainedCategories: [],
    });
    const e = res.evaluation;
    assert.ok(e?.overall);
    const o = e.overall;
    assert.equal(o.group, 'all');
    assert.equal(o.items, 40);
    assert.deepEqual([o.wins?.count, o.ties?.count, o.losses?.count], [10, 28, 2]);
    assert.deepEqual([o.failureRateBefore?.count, o.failureRateAfter?.count], [18, 10]);
    assert.equal(o.wins?.value, 0.25);
    assert.ok((o.wins?.ciLow ?? 0) < 0.25 && (o.wins?.ciHigh ?? 0) > 0.25);
    // b + c = 12 < 25: exact, p = 2·(C(12,0) + C(12,1) + C(12,2))/2¹² = 158/4096
    assert.deepEqual(
      { ...o.mcnemar, pValue: 0 },
      { wins: 10, losses: 2, statistic: 2, pValue: 0, method: 'exact' },
    );
    assert.ok(Math.abs((o.mcnemar?.pValue ?? 0) - 158 / 4096) < 1e-12, `p = ${o.mcnemar?.pValue}`);
    assert.deepEqual(
      e.breakdown.map((g) => [g.group, g.items]),
      [
        ['category=math', 40],
        ['subject=algebra', 16],
        ['subject=geometry', 24],
      ],
    );
    assert.deepEqual(
      e.gates.map((g) => [g.gate?.metric, g.gate?.operator, g.status]),
      [
        ['tie_rate', GateOperator.GATE_OPERATOR_GREATER, GateStatus.GATE_STATUS_INCONCLUSIVE],
        ['win_rate', GateOperator.GATE_OPERATOR_GREATER_OR_EQUAL, GateStatus.GATE_STATUS_INCONCLUSIVE],
        ['loss_rate', GateOperator.GATE_OPERATOR_LESS, GateStatus.GATE_STATUS_PASS],
        ['failure_rate_after', GateOperator.GATE_OPERATOR_BETWEEN, GateStatus.GATE_STATUS_INCONCLUSIVE],
      ],
    );
    assert.match(e.gates[2]?.explanation ?? '', /^PASS: loss_rate = 0\.050 \(2\/40\)/);
    assert.deepEqual(e.forgetting, []);
  });

  it('lets a pairwise judge decide an item, keeping it out of the failure rates', async () => {
    const res = await callUnary(client.summarize.bind(client), {
      outcomes: [
        outcome('a', true, true, 's'),
        { ...outcome('b', false, false, 's'), judged: Outcome.OUTCOME_LOSS },
      ],
      gates: [
        {
          name: 'no losses',
          metric: 'loss_rate',
          operator: GateOperator.GATE_OPERATOR_LESS_OR_EQUAL,
          threshold: 0.9,
          thresholdHigh: 0,
        },
      ],
      breakdownBy: [],
      trainedCategories: [],
    });
    const o = res.evaluation?.overall;
    assert.deepEqual([o?.ties?.count, o?.losses?.count], [1, 1]);
    assert.equal(o?.failureRateAfter?.total, 1);
    assert.equal(res.evaluation?.gates[0]?.gate?.name, 'no losses');
  });

  const gate = {
    name: '',
    metric: 'win_rate',
    operator: GateOperator.GATE_OPERATOR_GREATER,
    threshold: 0.1,
    thresholdHigh: 0,
  };
  const invalid: [string, SummarizeRequest, string][] = [
    [
      'an unknown gate metric',
      { outcomes, gates: [gate, { ...gate, metric: 'accuracy' }], breakdownBy: [], trainedCategories: [] },
      'gates[1].metric',
    ],
    [
      'a threshold outside [0, 1]',
      { outcomes, gates: [{ ...gate, threshold: 1.2 }], breakdownBy: [], trainedCategories: [] },
      'gates[0].threshold',
    ],
    [
      'an unspecified operator',
      {
        outcomes,
        gates: [{ ...gate, operator: GateOperator.GATE_OPERATOR_UNSPECIFIED }],
        breakdownBy: [],
        trainedCategories: [],
      },
      'gates[0].operator',
    ],
    [
      'a non-pairwise judged outcome',
      {
        outcomes: [
          outcome('a', true, true, 's'),
          { ...outcome('b', true, true, 's'), judged: Outcome.OUTCOME_CORRECT },
        ],
        gates: [],
        breakdownBy: [],
        trainedCategories: [],
      },
      'outcomes[1].judged',
    ],
    [
      'a repeated item id',
      {
        outcomes: [...outcomes, outcome('w3', true, true, 's')],
        gates: [],
        breakdownBy: [],
        trainedCategories: [],
      },
      'outcomes[40].item_id',
    ],
    ['no outcomes', { outcomes: [], gates: [], breakdownBy: [], trainedCategories: [] }, 'outcomes'],
    [
      'an empty breakdown key',
      { outcomes, gates: [], breakdownBy: ['subject', ''], trainedCategories: [] },
      'breakdown_by[1]',
    ],
  ];
  it('checks the categories not trained on for forgetting', async () => {
    const code = (id: string, cand: boolean, ref: boolean) => ({
      ...outcome(id, cand, ref, 's'),
      category: Category.CATEGORY_CODE,
      labels: {},
    });
    const res = await callUnary(client.summarize.bind(client), {
      outcomes: [
        ...outcomes,
        ...Array.from({ length: 10 }, (_, i) => code(`c${i}`, false, true)),
        code('c-tie', true, true),
      ],
      gates: [],
      breakdownBy: [],
      trainedCategories: [Category.CATEGORY_MATH],
    });
    assert.deepEqual(
      res.evaluation?.forgetting.map((f) => f.group),
      ['category=code'],
    );
    assert.equal(res.evaluation?.forgettingFlags.length, 1);
    assert.match(
      res.evaluation?.forgettingFlags[0] ?? '',
      /category=code: significant drop, 10 losses vs 0 wins/,
    );
  });

  for (const [what, request, field] of invalid) {
    it(`rejects ${what} with INVALID_ARGUMENT naming ${field}`, async () => {
      await assert.rejects(
        callUnary(client.summarize.bind(client), request),
        (err: { code: number; details: string }) => {
          assert.equal(err.code, status.INVALID_ARGUMENT);
          assert.ok(err.details.startsWith(`${field}:`), err.details);
          return true;
        },
      );
    });
  }
});

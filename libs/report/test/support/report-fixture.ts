import type { JsonValue, RunReportData } from '../../src/run-report-data.js';

// A hand-written run: math extracted (7,473 items, 2,466 failures), a math adapter trained
// for 8 steps, validated on 1,319 GSM8K test items with every gate status present, and a
// forgetting check on creativity. Strings a report must escape ride in the run id and a category.

const rate = (count: number, total: number, ciLow: number, ciHigh: number) => ({
  count,
  total,
  value: count / total,
  ciLow,
  ciHigh,
});

/**
 * The Evaluation the fixture's validation carries, in its proto3 JSON form (what ts-proto's
 * toJSON() writes: enums by name, zero values left out).
 */
export function fixtureEvaluation(): JsonValue {
  return {
    overall: {
      group: 'all',
      items: 1319,
      wins: rate(264, 1319, 0.1793, 0.2231),
      ties: rate(923, 1319, 0.6747, 0.7239),
      losses: rate(132, 1319, 0.0851, 0.1175),
      failureRateBefore: rate(462, 1319, 0.3249, 0.3765),
      failureRateAfter: rate(330, 1319, 0.2274, 0.2745),
      mcnemar: { wins: 264, losses: 132, statistic: 43.34, pValue: 0.0000123, method: 'chi2-cc' },
    },
    breakdown: [
      {
        group: 'dataset=gsm8k',
        items: 1319,
        wins: rate(264, 1319, 0.1793, 0.2231),
        ties: rate(923, 1319, 0.6747, 0.7239),
        losses: rate(132, 1319, 0.0851, 0.1175),
        failureRateBefore: rate(462, 1319, 0.3249, 0.3765),
        failureRateAfter: rate(330, 1319, 0.2274, 0.2745),
        mcnemar: { wins: 264, losses: 132, statistic: 43.34, pValue: 0.0000123, method: 'chi2-cc' },
      },
    ],
    gates: [
      {
        gate: {
          name: 'ties stay above 60 %',
          metric: 'tie_rate',
          operator: 'GATE_OPERATOR_GREATER',
          threshold: 0.6,
        },
        status: 'GATE_STATUS_PASS',
        observed: rate(923, 1319, 0.6747, 0.7239),
        explanation: 'the whole interval is above 60 %',
      },
      {
        gate: {
          name: 'wins reach 16 %',
          metric: 'win_rate',
          operator: 'GATE_OPERATOR_GREATER_OR_EQUAL',
          threshold: 0.16,
        },
        status: 'GATE_STATUS_INCONCLUSIVE',
        observed: rate(211, 1319, 0.1418, 0.1806),
        explanation: 'the interval straddles 16 %',
      },
      {
        gate: {
          name: 'losses stay below 20 %',
          metric: 'loss_rate',
          operator: 'GATE_OPERATOR_LESS',
          threshold: 0.2,
        },
        status: 'GATE_STATUS_FAIL',
        observed: rate(330, 1319, 0.2274, 0.2745),
        explanation: 'the whole interval is above 20 %',
      },
      {
        gate: {
          name: 'failure rate after within 15-25 %',
          metric: 'failure_rate_after',
          operator: 'GATE_OPERATOR_BETWEEN',
          threshold: 0.15,
          thresholdHigh: 0.25,
        },
        status: 'GATE_STATUS_PASS',
        observed: rate(290, 1319, 0.1986, 0.2422),
        explanation: 'the whole interval is within the range',
      },
    ],
    forgetting: [
      {
        group: 'category=creativity',
        items: 400,
        wins: rate(20, 400, 0.0327, 0.0759),
        ties: rate(340, 400, 0.8118, 0.8816),
        losses: rate(40, 400, 0.0743, 0.1332),
        failureRateBefore: rate(180, 400, 0.4018, 0.4993),
        failureRateAfter: rate(200, 400, 0.4513, 0.5487),
        mcnemar: { wins: 20, losses: 40, statistic: 6.02, pValue: 0.0141, method: 'chi2-cc' },
      },
    ],
    forgettingFlags: ['category=creativity: significant drop, 40 losses vs 20 wins over 400 items'],
  };
}

/** The fixture run; costs sum to wall 4,000 s, device 3,600 s, 1,500,000 / 300,000 tokens, $2.50. */
export function reportFixture(): RunReportData {
  return {
    schemaVersion: 1,
    run: {
      id: 'run-<script>alert(1)</script>',
      state: 'succeeded',
      error: null,
      plan: {
        name: 'phase1b2',
        model: { path: 'checkpoints/phase1a_merged' },
        categories: [{ category: 'math', datasets: ['gsm8k'], split: 'train', limit: 0 }],
        usdPerDeviceHour: { cuda: 2.5 },
      },
      resolvedPlan: {
        name: 'phase1b2',
        model: { path: 'checkpoints/phase1a_merged' },
        categories: [{ category: 'math', datasets: ['gsm8k'], splits: ['train'], limit: 0 }],
        training: { learningRate: 3e-6, epochs: 2, batchSize: 4, maxSeqLen: 512, loraR: 8, seed: 42 },
        validation: { reference: 'base', split: 'test', limit: 0 },
        sampling: { temperature: 0, maxNewTokens: 256 },
        combined: true,
        outputDir: 'data/phase1b2',
        checkpointDir: 'checkpoints',
        usdPerDeviceHour: { cuda: 2.5 },
      },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      createdAt: '2026-11-25T10:00:00.000Z',
      updatedAt: '2026-11-25T11:10:00.000Z',
    },
    steps: [
      {
        name: 'extract math',
        kind: 'extract',
        category: 'math',
        state: 'succeeded',
        wallSeconds: 2400,
        error: null,
      },
      {
        name: 'train math',
        kind: 'train',
        category: 'math',
        state: 'succeeded',
        wallSeconds: 1000,
        error: null,
      },
      {
        name: 'validate math',
        kind: 'validate',
        category: 'math',
        state: 'succeeded',
        wallSeconds: 600,
        error: null,
      },
    ],
    extracts: [
      {
        category: 'math',
        datasets: ['gsm8k'],
        split: 'train',
        items: 7473,
        failures: 2466,
        trainingSet: {
          path: 'data/phase1b2/math_training_ready.jsonl',
          lines: 2466,
          sha256: 'a'.repeat(64),
        },
      },
    ],
    trainings: [
      {
        category: 'math <img src=x onerror=alert(2)>',
        steps: 8,
        finalLoss: 0.9125,
        lossCurve: [2.4, 2.1, 1.8, 1.6, 1.3, 1.15, 1.0, 0.9125],
        adapter: { path: 'checkpoints/phase1b2_math', sha256: 'b'.repeat(64) },
      },
    ],
    validations: [{ category: 'math', reference: 'base', evaluation: fixtureEvaluation() }],
    costs: [
      {
        step: 'extract math',
        wallSeconds: 2400,
        deviceSeconds: 2160,
        deviceKind: 'cuda',
        tokensIn: 1_000_000,
        tokensOut: 200_000,
        usd: 1.5,
      },
      {
        step: 'train math',
        wallSeconds: 1000,
        deviceSeconds: 900,
        deviceKind: 'cuda',
        tokensIn: 300_000,
        tokensOut: 0,
        usd: 0.625,
      },
      {
        step: 'validate math',
        wallSeconds: 600,
        deviceSeconds: 540,
        deviceKind: 'cuda',
        tokensIn: 200_000,
        tokensOut: 100_000,
        usd: 0.375,
      },
    ],
  };
}

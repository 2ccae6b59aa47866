import type { BarChartSpec } from '../charts/chart-spec.js';
import type { ComparisonStats, Evaluation, Rate } from '../evaluation/evaluation-schema.js';
import { gateStatusText, gateThresholdText } from '../evaluation/gate-text.js';
import { parseEvaluation } from '../evaluation/parse-evaluation.js';
import {
  formatCount,
  formatInterval,
  formatPercent,
  formatPValue,
  formatRateWithInterval,
} from '../format/format-numbers.js';
import type { ReportValidation } from '../run-report-data.js';
import type { Block, Cell } from './report-blocks.js';

/** Colours of the outcomes and of before/after, shared by every chart of the report. */
export const COLORS = {
  win: '#2e7d32',
  tie: '#8d8d8d',
  loss: '#c62828',
  before: '#ef6c00',
  after: '#1565c0',
} as const;

const NO_RATE: Rate = { count: 0, total: 0, value: 0, ciLow: 0, ciHigh: 0 };

/**
 * The blocks of one validation: win / tie / loss with intervals (table + chart), failure rate
 * before -> after (table + chart, forgetting groups beside the trained category), McNemar, the
 * gates, the breakdown and the forgetting checks. `index` (1-based) makes chart ids unique.
 */
export function validationBlocks(validation: ReportValidation, index: number): Block[] {
  const title = `${validation.category} adapter vs ${validation.reference}`;
  const heading: Block = { type: 'heading', level: 3, text: `Validation ${index}: ${title}` };
  if (validation.skipped !== undefined) {
    return [heading, { type: 'paragraph', text: `Skipped: ${validation.skipped}` }];
  }
  if (validation.evaluation === null) {
    // A validate step that stopped before the evaluator answered: the rest of the report still counts.
    return [heading, { type: 'paragraph', text: 'No evaluation was recorded.' }];
  }
  const evaluation = parseEvaluation(validation.evaluation, `validation ${index} (${title})`);
  const overall = evaluation.overall;
  const blocks: Block[] = [heading];
  if (validation.itemsPath) {
    blocks.push({ type: 'paragraph', text: `Per-item outcomes: ${validation.itemsPath}` });
  }
  if (!overall) {
    blocks.push({ type: 'paragraph', text: 'The evaluation has no overall statistics.' });
    return [...blocks, ...gateBlocks(evaluation)];
  }
  blocks.push(
    { type: 'paragraph', text: `${formatCount(overall.items)} held-out items (${overall.group || 'all'}).` },
    winTieLossTable(overall),
    failureRateTable(overall),
    mcnemarTable(overall),
    { type: 'chart', chart: winTieLossChart(overall, `wtl-${index}`, title) },
    {
      type: 'chart',
      chart: failureRateChart(overall, evaluation.forgetting, `failure-rate-${index}`, title),
    },
    ...gateBlocks(evaluation),
  );
  if (evaluation.breakdown.length > 0) {
    blocks.push(
      { type: 'heading', level: 3, text: `Breakdown (${title})` },
      statsTable('breakdown', evaluation.breakdown),
    );
  }
  blocks.push(...forgettingBlocks(evaluation, title));
  return blocks;
}

// One rate as a table row: name, percent, 95 % interval, count / total.
function rateRow(name: string, r: Rate = NO_RATE): Cell[] {
  return [
    name,
    formatPercent(r.value),
    formatInterval(r.ciLow, r.ciHigh),
    `${formatCount(r.count)} / ${formatCount(r.total)}`,
  ];
}

function winTieLossTable(s: ComparisonStats): Block {
  return {
    type: 'table',
    kind: 'wtl',
    header: ['outcome', 'rate', '95 % interval', 'items'],
    numeric: [false, true, true, true],
    rows: [rateRow('win', s.wins), rateRow('tie', s.ties), rateRow('loss', s.losses)],
  };
}

function winTieLossChart(s: ComparisonStats, id: string, title: string): BarChartSpec {
  const bar = (series: number, r: Rate = NO_RATE) => ({
    series,
    value: r.value,
    low: r.ciLow,
    high: r.ciHigh,
  });
  return {
    type: 'bars',
    id,
    kind: 'wtl',
    title: `Win / tie / loss with 95 % intervals: ${title}`,
    series: [
      { name: 'win', color: COLORS.win },
      { name: 'tie', color: COLORS.tie },
      { name: 'loss', color: COLORS.loss },
    ],
    groups: [
      { label: 'win', bars: [bar(0, s.wins)] },
      { label: 'tie', bars: [bar(1, s.ties)] },
      { label: 'loss', bars: [bar(2, s.losses)] },
    ],
  };
}

function failureRateTable(s: ComparisonStats): Block {
  const before = s.failureRateBefore ?? NO_RATE;
  const after = s.failureRateAfter ?? NO_RATE;
  const points = (after.value - before.value) * 100;
  return {
    type: 'table',
    kind: 'failure-rate',
    header: ['failure rate', 'rate', '95 % interval', 'failing items'],
    numeric: [false, true, true, true],
    rows: [
      rateRow('before (reference)', before),
      rateRow('after (candidate)', after),
      ['change', `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} points`, '', ''],
    ],
  };
}

function failureRateChart(
  overall: ComparisonStats,
  forgetting: readonly ComparisonStats[],
  id: string,
  title: string,
): BarChartSpec {
  const bars = (s: ComparisonStats) => [
    { series: 0, ...interval(s.failureRateBefore) },
    { series: 1, ...interval(s.failureRateAfter) },
  ];
  return {
    type: 'bars',
    id,
    kind: 'failure-rate',
    title: `Failure rate before and after with 95 % intervals: ${title}`,
    series: [
      { name: 'before (reference)', color: COLORS.before },
      { name: 'after (candidate)', color: COLORS.after },
    ],
    groups: [overall, ...forgetting].map((s) => ({ label: s.group || 'all', bars: bars(s) })),
  };
}

function interval(r: Rate = NO_RATE): { value: number; low: number; high: number } {
  return { value: r.value, low: r.ciLow, high: r.ciHigh };
}

function mcnemarTable(s: ComparisonStats): Block {
  const m = s.mcnemar;
  return {
    type: 'table',
    kind: 'mcnemar',
    header: ['McNemar', 'wins (b)', 'losses (c)', 'statistic', 'p', 'method'],
    numeric: [false, true, true, true, true, false],
    rows: [
      m
        ? [
            'paired test',
            formatCount(m.wins),
            formatCount(m.losses),
            m.statistic.toFixed(3),
            formatPValue(m.pValue),
            m.method,
          ]
        : ['paired test', '–', '–', '–', '–', 'not computed'],
    ],
  };
}

function gateBlocks(evaluation: Evaluation): Block[] {
  if (evaluation.gates.length === 0) return [{ type: 'paragraph', text: 'No gates were checked.' }];
  return [
    {
      type: 'table',
      kind: 'gates',
      header: ['gate', 'metric', 'threshold', 'observed', 'status', 'explanation'],
      numeric: [false, false, false, true, false, false],
      rows: evaluation.gates.map((g) => {
        const status = gateStatusText(g.status);
        return [
          g.gate?.name ?? '',
          g.gate?.metric ?? '',
          gateThresholdText(g.gate),
          g.observed ? formatRateWithInterval(g.observed) : '–',
          { text: status.text, tone: status.tone },
          g.explanation,
        ];
      }),
    },
  ];
}

function statsTable(kind: string, stats: readonly ComparisonStats[]): Block {
  return {
    type: 'table',
    kind,
    header: ['group', 'items', 'win', 'tie', 'loss', 'failure before', 'failure after', 'McNemar p'],
    numeric: [false, true, true, true, true, true, true, true],
    rows: stats.map((s) => [
      s.group,
      formatCount(s.items),
      formatRateWithInterval(s.wins ?? NO_RATE),
      formatRateWithInterval(s.ties ?? NO_RATE),
      formatRateWithInterval(s.losses ?? NO_RATE),
      formatRateWithInterval(s.failureRateBefore ?? NO_RATE),
      formatRateWithInterval(s.failureRateAfter ?? NO_RATE),
      s.mcnemar ? formatPValue(s.mcnemar.pValue) : '–',
    ]),
  };
}

function forgettingBlocks(evaluation: Evaluation, title: string): Block[] {
  const blocks: Block[] = [{ type: 'heading', level: 3, text: `Forgetting checks (${title})` }];
  if (evaluation.forgetting.length === 0) {
    blocks.push({ type: 'paragraph', text: 'No other category was checked for forgetting.' });
    return blocks;
  }
  blocks.push(statsTable('forgetting', evaluation.forgetting));
  if (evaluation.forgettingFlags.length === 0) {
    blocks.push({ type: 'paragraph', text: 'No significant drop: nothing flagged as forgetting.' });
  } else {
    blocks.push(
      { type: 'paragraph', text: 'Flagged as forgetting:' },
      { type: 'list', items: evaluation.forgettingFlags },
    );
  }
  return blocks;
}

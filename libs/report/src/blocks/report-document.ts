import {
  formatCount,
  formatDuration,
  formatLoss,
  formatPercent,
  formatUsd,
  usdDigits,
} from '../format/format-numbers.js';
import type { ReportExtract, ReportTraining, RunReportData } from '../run-report-data.js';
import { costTable } from './cost-table.js';
import { planSummary } from './plan-summary.js';
import type { Block, Cell, Tone } from './report-blocks.js';
import { validationBlocks } from './validation-section.js';

/** The report as blocks, in reading order: run, steps, extract, training, validation, cost. */
export function buildReportBlocks(data: RunReportData): Block[] {
  return [
    { type: 'heading', level: 1, text: `failmine run report: ${data.run.id}` },
    runFields(data),
    { type: 'heading', level: 2, text: 'Steps' },
    ...stepBlocks(data),
    { type: 'heading', level: 2, text: 'Extract: failures per category' },
    ...extractBlocks(data.extracts),
    { type: 'heading', level: 2, text: 'Training' },
    ...trainingBlocks(data.trainings),
    { type: 'heading', level: 2, text: 'Validation' },
    ...(data.validations.length === 0
      ? [{ type: 'paragraph', text: 'No validation has run yet.' } as Block]
      : data.validations.flatMap((v, i) => validationBlocks(v, i + 1))),
    { type: 'heading', level: 2, text: 'Cost' },
    ...costBlocks(data),
  ];
}

const STATE_TONE: Record<string, Tone> = {
  succeeded: 'pass',
  failed: 'fail',
  cancelled: 'fail',
  running: 'inconclusive',
};

function stateCell(state: string): Cell {
  return { text: state, tone: STATE_TONE[state] ?? 'muted' };
}

function runFields(data: RunReportData): Block {
  const { run } = data;
  const rows: [string, Cell][] = [
    ['run', run.id],
    ['state', stateCell(run.state)],
    ['created', run.createdAt],
    ['updated', run.updatedAt],
    // An all-zero id is OpenTelemetry's no-op span: the run was not traced (no --trace-out, no OTLP).
    ['trace id', run.traceId && !/^0+$/.test(run.traceId) ? run.traceId : 'not traced'],
  ];
  if (run.error) rows.push(['error', run.error]);
  return { type: 'fields', rows: [...rows, ...planSummary(run.plan, run.resolvedPlan)] };
}

function stepBlocks(data: RunReportData): Block[] {
  if (data.steps.length === 0) return [{ type: 'paragraph', text: 'The run has no steps.' }];
  return [
    {
      type: 'table',
      kind: 'steps',
      header: ['step', 'kind', 'category', 'state', 'wall time', 'error'],
      numeric: [false, false, false, false, true, false],
      rows: data.steps.map((s) => [
        s.name,
        s.kind,
        s.category || '–',
        stateCell(s.state),
        formatDuration(s.wallSeconds),
        s.error ?? '',
      ]),
    },
  ];
}

function extractBlocks(extracts: readonly ReportExtract[]): Block[] {
  if (extracts.length === 0) return [{ type: 'paragraph', text: 'No extract step has run yet.' }];
  return [
    {
      type: 'table',
      kind: 'extract',
      header: ['category', 'datasets', 'split', 'items', 'failures', 'failure rate', 'training set'],
      numeric: [false, false, false, true, true, true, false],
      rows: extracts.map((e) => [
        e.category,
        e.datasets.join(', '),
        e.split,
        formatCount(e.items),
        formatCount(e.failures),
        e.items > 0 ? formatPercent(e.failures / e.items) : '–',
        e.trainingSet
          ? `${e.trainingSet.path} (${formatCount(e.trainingSet.lines)} lines, sha256 ${e.trainingSet.sha256.slice(0, 12)})`
          : '–',
      ]),
    },
  ];
}

function trainingBlocks(trainings: readonly ReportTraining[]): Block[] {
  if (trainings.length === 0) return [{ type: 'paragraph', text: 'No training step has run yet.' }];
  const blocks: Block[] = [
    {
      type: 'table',
      kind: 'training',
      header: ['adapter', 'steps', 'first loss', 'lowest loss', 'final loss', 'adapter path'],
      numeric: [false, true, true, true, true, false],
      rows: trainings.map((t) => {
        const finite = t.lossCurve.filter(Number.isFinite);
        return [
          t.category,
          formatCount(t.steps),
          finite.length > 0 ? formatLoss(finite[0] as number) : '–',
          finite.length > 0 ? formatLoss(Math.min(...finite)) : '–',
          t.skipped === undefined ? formatLoss(t.finalLoss) : '–',
          t.adapter ? `${t.adapter.path} (sha256 ${t.adapter.sha256.slice(0, 12)})` : '–',
        ];
      }),
    },
  ];
  trainings.forEach((t, i) => {
    if (t.skipped !== undefined) {
      blocks.push({ type: 'paragraph', text: `The ${t.category} adapter was not trained: ${t.skipped}` });
      return;
    }
    if (t.lossCurve.length === 0) {
      blocks.push({ type: 'paragraph', text: `No loss curve was recorded for the ${t.category} adapter.` });
      return;
    }
    blocks.push({
      type: 'chart',
      chart: {
        type: 'line',
        id: `loss-${i + 1}`,
        kind: 'loss',
        title: `Training loss per optimizer step: ${t.category} adapter`,
        xLabel: 'optimizer step',
        yLabel: 'loss',
        points: t.lossCurve,
      },
    });
  });
  return blocks;
}

function costBlocks(data: RunReportData): Block[] {
  if (data.costs.length === 0) return [{ type: 'paragraph', text: 'No cost has been recorded yet.' }];
  const table = costTable(data.costs);
  const digits = usdDigits(table.rows.map((c) => c.usd));
  const cells = (c: (typeof table.rows)[number]): Cell[] => [
    c.step,
    formatDuration(c.wallSeconds),
    formatDuration(c.deviceSeconds),
    c.deviceKind || '–',
    formatCount(c.tokensIn),
    formatCount(c.tokensOut),
    formatUsd(c.usd, digits),
  ];
  return [
    {
      type: 'table',
      kind: 'costs',
      header: ['step', 'wall time', 'device time', 'device', 'tokens in', 'tokens out', 'cost USD'],
      numeric: [false, true, true, false, true, true, true],
      rows: table.rows.map(cells),
      footer: cells(table.total),
    },
  ];
}

import { type Block, type Cell, cellText } from './blocks/report-blocks.js';
import { buildReportBlocks } from './blocks/report-document.js';
import type { ChartSpec } from './charts/chart-spec.js';
import { sparkline } from './charts/sparkline.js';
import { formatLoss } from './format/format-numbers.js';
import { escapeMarkdown } from './format/markdown-escape.js';
import type { RunReportData } from './run-report-data.js';

/**
 * The run report as Markdown: the same tables and numbers as the HTML page; bar charts are
 * left out (their numbers are the table right above) and a loss curve becomes a sparkline.
 * Every string from the data is escaped, so a run id cannot inject markup or break a table.
 */
export function renderMarkdown(data: RunReportData): string {
  return `${buildReportBlocks(data).map(renderBlock).filter(Boolean).join('\n\n')}\n`;
}

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`;
    case 'paragraph':
      return escapeMarkdown(block.text);
    case 'list':
      return block.items.map((item) => `- ${escapeMarkdown(item)}`).join('\n');
    case 'fields':
      return table(
        ['field', 'value'],
        [false, false],
        block.rows.map(([label, value]) => [label, value]),
      );
    case 'table':
      return table(block.header, block.numeric, block.rows, block.footer);
    case 'chart':
      return chart(block.chart);
  }
}

// The footer row (a total) is set in bold; empty cells stay empty ("****" would show).
function table(
  header: readonly string[],
  numeric: readonly boolean[],
  rows: readonly Cell[][],
  footer?: readonly Cell[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const escaped = (row: readonly Cell[]) => row.map((c) => escapeMarkdown(cellText(c)));
  const lines = [
    line(header.map(escapeMarkdown)),
    line(header.map((_, i) => (numeric[i] ? '---:' : '---'))),
    ...rows.map((row) => line(escaped(row))),
  ];
  if (footer) lines.push(line(escaped(footer).map((t) => (t ? `**${t}**` : t))));
  return lines.join('\n');
}

function chart(spec: ChartSpec): string {
  if (spec.type !== 'line') return '';
  const finite = spec.points.filter(Number.isFinite);
  if (finite.length === 0) return '';
  const first = formatLoss(finite[0] as number);
  const last = formatLoss(finite[finite.length - 1] as number);
  return `${escapeMarkdown(spec.title)} (${spec.points.length} steps, ${first} -> ${last}):\n\n\`${sparkline(finite)}\``;
}

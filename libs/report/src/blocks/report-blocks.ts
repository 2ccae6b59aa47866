import type { ChartSpec } from '../charts/chart-spec.js';

/** How the HTML report colours a cell; Markdown shows the text alone. */
export type Tone = 'pass' | 'fail' | 'inconclusive' | 'unknown' | 'muted';

/** A table cell: its text, optionally with a tone (gate verdicts, run states). */
export type Cell = string | { text: string; tone: Tone };

/**
 * One block of the report. Both renderers walk the same blocks, so the Markdown and the HTML
 * show the same numbers; only charts differ (SVG in HTML, sparkline or nothing in Markdown).
 */
export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'fields'; rows: [label: string, value: Cell][] }
  | {
      type: 'table';
      /** CSS class `table-<kind>` in HTML, e.g. gates, costs. */
      kind: string;
      header: string[];
      /** Right-aligned columns (numbers). */
      numeric: boolean[];
      rows: Cell[][];
      /** A last row set apart, e.g. the cost total. */
      footer?: Cell[];
    }
  | { type: 'chart'; chart: ChartSpec }
  | { type: 'list'; items: string[] };

/** The text of a cell, whatever its tone. */
export function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

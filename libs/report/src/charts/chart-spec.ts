// What a chart shows, independent of how it is drawn: the HTML report draws these as inline
// SVG, the Markdown report writes the same numbers as tables (and a sparkline for lines).

/** One bar: a rate with its 95 % interval, all as fractions 0..1. */
export interface BarDatum {
  /** Index into BarChartSpec.series. */
  series: number;
  value: number;
  low: number;
  high: number;
}

/** Bars drawn side by side under one label on the x axis. */
export interface BarGroup {
  label: string;
  bars: BarDatum[];
}

/** Vertical bars of rates (0..100 %) with error bars for their intervals. */
export interface BarChartSpec {
  type: 'bars';
  /** Element id, unique in the page and stable across renders (tests look charts up by it). */
  id: string;
  /** Kind of chart, the CSS class `chart-<kind>`: wtl, failure-rate. */
  kind: string;
  title: string;
  series: { name: string; color: string }[];
  groups: BarGroup[];
}

/** A line over steps 1..n, e.g. the training loss per optimizer step. */
export interface LineChartSpec {
  type: 'line';
  id: string;
  kind: string;
  title: string;
  xLabel: string;
  yLabel: string;
  points: number[];
}

/** Any chart of the report. */
export type ChartSpec = BarChartSpec | LineChartSpec;

import { escapeHtml } from '../format/html-escape.js';

/** Plot area inside a chart's viewBox, in SVG user units. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The chart's drawing size: wide enough for a laptop column, scaled down by CSS on narrow screens. */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 300;

/** A coordinate with one decimal: enough for a 640-unit chart, and stable text for tests. */
export function coord(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/**
 * Opens a chart's <svg>: stable id, class `chart chart-<kind>`, role img with an aria-label
 * and a <title>, so screen readers and tests find every chart by id or class.
 */
export function openSvg(chart: { id: string; kind: string; title: string }): string {
  const title = escapeHtml(chart.title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeHtml(chart.id)}" class="chart chart-${escapeHtml(chart.kind)}"` +
    ` role="img" aria-label="${title}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}"` +
    ` width="${CHART_WIDTH}" height="${CHART_HEIGHT}"><title>${title}</title>`
  );
}

/** Horizontal grid lines with labels on the left, one per tick; `scale` maps a value to y. */
export function yGrid(
  area: PlotArea,
  ticks: readonly number[],
  scale: (v: number) => number,
  label: (v: number) => string,
): string {
  return ticks
    .map((t) => {
      const y = coord(scale(t));
      return (
        `<line class="grid" x1="${area.left}" x2="${area.left + area.width}" y1="${y}" y2="${y}"/>` +
        `<text class="tick" x="${area.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(label(t))}</text>`
      );
    })
    .join('');
}

/** The x axis line along the bottom of the plot area. */
export function xAxisLine(area: PlotArea): string {
  const y = area.top + area.height;
  return `<line class="axis" x1="${area.left}" x2="${area.left + area.width}" y1="${y}" y2="${y}"/>`;
}

import { formatLoss } from '../format/format-numbers.js';
import { escapeHtml } from '../format/html-escape.js';
import type { LineChartSpec } from './chart-spec.js';
import { niceTicks } from './nice-ticks.js';
import { CHART_HEIGHT, CHART_WIDTH, coord, openSvg, type PlotArea, xAxisLine, yGrid } from './svg-frame.js';

/**
 * Draws a series over steps 1..n as a polyline with round-number axes; the last point is
 * marked and labelled with its value. Non-finite points (a diverged step) are left out of
 * the line rather than breaking the scale.
 */
export function renderLineChart(spec: LineChartSpec): string {
  const area: PlotArea = { left: 64, top: 16, width: CHART_WIDTH - 64 - 56, height: CHART_HEIGHT - 16 - 52 };
  const finite = spec.points
    .map((value, i) => ({ step: i + 1, value }))
    .filter((p) => Number.isFinite(p.value));
  const values = finite.map((p) => p.value);
  const yTicks = niceTicks(Math.min(...values, Infinity), Math.max(...values, -Infinity), 5);
  const yMin = yTicks[0] ?? 0;
  const yMax = yTicks.at(-1) ?? 1;
  const n = Math.max(1, spec.points.length);
  const xTicks = niceTicks(1, n, 6).filter((t) => t >= 1 && t <= n && Number.isInteger(t));
  const x = (step: number) => area.left + (n === 1 ? area.width / 2 : ((step - 1) / (n - 1)) * area.width);
  const y = (v: number) => area.top + area.height - ((v - yMin) / (yMax - yMin || 1)) * area.height;
  const parts = [openSvg(spec), yGrid(area, yTicks, y, (v) => formatLoss(v)), xAxisLine(area)];
  for (const t of xTicks) {
    parts.push(
      `<text class="tick" x="${coord(x(t))}" y="${coord(area.top + area.height + 16)}" text-anchor="middle">${t}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${coord(area.left + area.width / 2)}" y="${CHART_HEIGHT - 8}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
    `<text class="axis-label" transform="rotate(-90)" x="${coord(-(area.top + area.height / 2))}" y="14" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );
  if (finite.length > 0) {
    const path = finite
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${coord(x(p.step))} ${coord(y(p.value))}`)
      .join(' ');
    const last = finite[finite.length - 1] as { step: number; value: number };
    parts.push(
      `<path class="line" d="${path}" fill="none"/>`,
      `<circle class="last-point" cx="${coord(x(last.step))}" cy="${coord(y(last.value))}" r="3.5"><title>step ${last.step}: ${escapeHtml(formatLoss(last.value))}</title></circle>`,
      `<text class="value" x="${coord(x(last.step) + 6)}" y="${coord(y(last.value) - 8)}">${escapeHtml(formatLoss(last.value))}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

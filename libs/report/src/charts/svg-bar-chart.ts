import { formatPercent, formatRateWithInterval } from '../format/format-numbers.js';
import { escapeHtml } from '../format/html-escape.js';
import type { BarChartSpec, BarDatum } from './chart-spec.js';
import { niceTicks } from './nice-ticks.js';
import { CHART_HEIGHT, CHART_WIDTH, coord, openSvg, type PlotArea, xAxisLine, yGrid } from './svg-frame.js';

const MAX_BAR_WIDTH = 64;

/**
 * Draws rates as vertical bars with 95 % error bars (whisker from the interval's low to high
 * end, capped) and the value written above each whisker. The y axis starts at 0 % and ends at
 * the first round tick above the highest interval end (at most 100 %).
 */
export function renderBarChart(spec: BarChartSpec): string {
  const withLegend = spec.groups.some((g) => g.bars.length > 1);
  const area: PlotArea = {
    left: 56,
    top: withLegend ? 40 : 20,
    width: CHART_WIDTH - 56 - 16,
    height: CHART_HEIGHT - (withLegend ? 40 : 20) - 44,
  };
  const highest = Math.max(0.01, ...spec.groups.flatMap((g) => g.bars.map((b) => Math.max(b.value, b.high))));
  const ticks = niceTicks(0, Math.min(1, highest), 5).filter((t) => t <= 1);
  const top = ticks.at(-1) ?? 1;
  const y = (v: number) => area.top + area.height - (Math.min(Math.max(v, 0), top) / top) * area.height;
  const groupWidth = area.width / Math.max(1, spec.groups.length);
  const parts = [
    openSvg(spec),
    yGrid(area, ticks, y, percentTick),
    xAxisLine(area),
    withLegend ? legend(spec, area) : '',
  ];
  spec.groups.forEach((group, gi) => {
    const barWidth = Math.min(MAX_BAR_WIDTH, (groupWidth * 0.7) / Math.max(1, group.bars.length));
    const start = area.left + gi * groupWidth + (groupWidth - barWidth * group.bars.length) / 2;
    group.bars.forEach((bar, bi) => {
      parts.push(drawBar(spec, group.label, bar, start + bi * barWidth, barWidth, y, area));
    });
    const labelX = coord(area.left + (gi + 0.5) * groupWidth);
    parts.push(
      `<text class="group-label" x="${labelX}" y="${coord(area.top + area.height + 20)}" text-anchor="middle">${escapeHtml(group.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function drawBar(
  spec: BarChartSpec,
  groupLabel: string,
  bar: BarDatum,
  x: number,
  width: number,
  y: (v: number) => number,
  area: PlotArea,
): string {
  const series = spec.series[bar.series];
  const name = series?.name ?? '';
  const inner = width * 0.84;
  const left = x + (width - inner) / 2;
  const mid = x + width / 2;
  const bottom = area.top + area.height;
  const tooltip = escapeHtml(
    `${groupLabel}${name ? ` ${name}` : ''}: ${formatRateWithInterval({ value: bar.value, ciLow: bar.low, ciHigh: bar.high })}`,
  );
  const whiskerTop = y(bar.high);
  return (
    `<g class="bar-group">` +
    `<rect class="bar" x="${coord(left)}" y="${coord(y(bar.value))}" width="${coord(inner)}" height="${coord(Math.max(0, bottom - y(bar.value)))}" fill="${escapeHtml(series?.color ?? '#888')}"><title>${tooltip}</title></rect>` +
    `<line class="whisker" x1="${coord(mid)}" x2="${coord(mid)}" y1="${coord(y(bar.low))}" y2="${coord(whiskerTop)}"/>` +
    `<line class="whisker" x1="${coord(mid - 6)}" x2="${coord(mid + 6)}" y1="${coord(y(bar.low))}" y2="${coord(y(bar.low))}"/>` +
    `<line class="whisker" x1="${coord(mid - 6)}" x2="${coord(mid + 6)}" y1="${coord(whiskerTop)}" y2="${coord(whiskerTop)}"/>` +
    `<text class="value" x="${coord(mid)}" y="${coord(whiskerTop - 6)}" text-anchor="middle">${escapeHtml(formatPercent(bar.value))}</text>` +
    `</g>`
  );
}

function legend(spec: BarChartSpec, area: PlotArea): string {
  return spec.series
    .map((s, i) => {
      const x = area.left + i * 150;
      return (
        `<rect class="legend-swatch" x="${x}" y="8" width="12" height="12" fill="${escapeHtml(s.color)}"/>` +
        `<text class="legend" x="${x + 18}" y="18">${escapeHtml(s.name)}</text>`
      );
    })
    .join('');
}

// Whole percents where the ticks allow it: "20 %", else "2.5 %".
function percentTick(v: number): string {
  const pct = Math.round(v * 1000) / 10;
  return Number.isInteger(pct) ? `${pct} %` : `${pct.toFixed(1)} %`;
}

/** The report page's whole style sheet, inlined so the HTML file needs nothing else. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d1f23; --muted: #5f6670; --line: #d9dde3; --bg-alt: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 1.6rem; margin: 0 0 16px; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; }
p { margin: 8px 0; }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--bg-alt); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
.table-breakdown td.num, .table-forgetting td.num { white-space: normal; min-width: 7em; }
tfoot td { font-weight: 700; border-top: 2px solid var(--fg); }
table.fields th { background: none; color: var(--muted); font-weight: 500; }
td { overflow-wrap: break-word; }
.tone { display: inline-block; white-space: nowrap; padding: 0 8px; border-radius: 10px; font-weight: 600; font-size: 0.85rem; }
.tone-pass { background: #e3f3e5; color: #1b5e20; }
.tone-fail { background: #fde4e4; color: #b71c1c; }
.tone-inconclusive { background: #fff2d6; color: #8a5a00; }
.tone-unknown, .tone-muted { background: #eceff3; color: var(--muted); }
figure { margin: 8px 0 20px; flex: 1 1 460px; max-width: 660px; }
.chart-row { display: flex; flex-wrap: wrap; gap: 0 24px; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--fg); }
svg.chart .tick, svg.chart .axis-label { fill: var(--muted); }
svg.chart .value { font-weight: 600; }
svg.chart .grid { stroke: #eceff3; }
svg.chart .axis { stroke: #9aa1ab; }
svg.chart .whisker { stroke: #1d1f23; stroke-width: 1.5; }
svg.chart .line { stroke: #1565c0; stroke-width: 2; }
svg.chart .last-point { fill: #1565c0; }
ul { margin: 8px 0; padding-left: 22px; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; }
`;

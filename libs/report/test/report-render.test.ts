import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costTable } from '../src/blocks/cost-table.js';
import { niceTicks } from '../src/charts/nice-ticks.js';
import {
  formatCount,
  formatDuration,
  formatInterval,
  formatPercent,
  formatUsd,
} from '../src/format/format-numbers.js';
import { escapeMarkdown } from '../src/format/markdown-escape.js';
import { renderHtml } from '../src/report-html.js';
import { renderMarkdown } from '../src/report-markdown.js';
import { reportFixture } from './support/report-fixture.js';

const data = reportFixture();
const markdown = renderMarkdown(data);
const html = renderHtml(data);

// The Markdown table row whose first cell is `first` (after heading `after`), split into trimmed cells.
function markdownRow(first: string, after = '# '): string[] {
  const section = markdown.slice(markdown.indexOf(after));
  const row = section.split('\n').find((l) => l.startsWith(`| ${first} |`));
  assert.ok(row, `a row starting with ${first}`);
  return row
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());
}

describe('report numbers', () => {
  it('formats percentages with one decimal and intervals as [a, b]', () => {
    assert.equal(formatPercent(0.2346), '23.5 %');
    assert.equal(formatInterval(0.1793, 0.2231), '[17.9 %, 22.3 %]');
    assert.equal(formatCount(7473), '7,473');
    assert.equal(formatDuration(4020), '1 h 07 min');
    assert.equal(formatDuration(185), '3 min 05 s');
    assert.equal(formatUsd(2.5), '$2.50');
    assert.equal(formatUsd(0.000417, 4), '$0.0004');
  });

  it('picks round ticks that cover the range', () => {
    assert.deepEqual(niceTicks(0, 0.7239, 5), [0, 0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(niceTicks(0.9125, 2.4, 5), [0.5, 1, 1.5, 2, 2.5]);
    const flat = niceTicks(3, 3);
    assert.ok(
      flat[0] !== undefined && flat[0] < 3 && (flat.at(-1) ?? 0) > 3,
      'a flat series gets an axis around it',
    );
  });

  it('the cost total is the sum of the rows, device kinds listed once', () => {
    const table = costTable(data.costs);
    assert.equal(table.total.wallSeconds, 4000);
    assert.equal(table.total.deviceSeconds, 3600);
    assert.equal(table.total.tokensIn, 1_500_000);
    assert.equal(table.total.tokensOut, 300_000);
    assert.equal(table.total.usd, 2.5);
    assert.equal(table.total.deviceKind, 'cuda');
    const mixed = costTable([
      { ...(data.costs[0] as (typeof data.costs)[number]), deviceKind: 'cpu' },
      ...data.costs,
    ]);
    assert.equal(mixed.total.deviceKind, 'cpu, cuda');
  });
});

describe('renderMarkdown', () => {
  it('shows each extract with items, failures and the failure rate', () => {
    assert.deepEqual(markdownRow('math').slice(0, 6), ['math', 'gsm8k', 'train', '7,473', '2,466', '33.0 %']);
  });

  it('shows win / tie / loss and failure rates with their 95 % intervals', () => {
    assert.deepEqual(markdownRow('win'), ['win', '20.0 %', '[17.9 %, 22.3 %]', '264 / 1,319']);
    assert.deepEqual(markdownRow('tie'), ['tie', '70.0 %', '[67.5 %, 72.4 %]', '923 / 1,319']);
    assert.deepEqual(markdownRow('loss'), ['loss', '10.0 %', '[8.5 %, 11.8 %]', '132 / 1,319']);
    assert.deepEqual(markdownRow('before (reference)'), [
      'before (reference)',
      '35.0 %',
      '[32.5 %, 37.6 %]',
      '462 / 1,319',
    ]);
    assert.deepEqual(markdownRow('after (candidate)'), [
      'after (candidate)',
      '25.0 %',
      '[22.7 %, 27.5 %]',
      '330 / 1,319',
    ]);
    assert.deepEqual(markdownRow('change').slice(0, 2), ['change', '−10.0 points']);
    assert.deepEqual(markdownRow('paired test'), [
      'paired test',
      '264',
      '132',
      '43.340',
      '\\< 0.0001',
      'chi2-cc',
    ]);
  });

  it('lists every gate with threshold, observed interval and PASS / FAIL / INCONCLUSIVE', () => {
    assert.deepEqual(markdownRow('ties stay above 60 %').slice(1, 5), [
      'tie_rate',
      '\\> 60.0 %',
      '70.0 % [67.5 %, 72.4 %]',
      'PASS',
    ]);
    assert.deepEqual(markdownRow('wins reach 16 %').slice(1, 5), [
      'win_rate',
      '≥ 16.0 %',
      '16.0 % [14.2 %, 18.1 %]',
      'INCONCLUSIVE',
    ]);
    assert.equal(markdownRow('losses stay below 20 %')[4], 'FAIL');
    assert.deepEqual(markdownRow('failure rate after within 15-25 %').slice(2, 5), [
      'in [15.0 %, 25.0 %]',
      '22.0 % [19.9 %, 24.2 %]',
      'PASS',
    ]);
  });

  it('shows the forgetting check and its flag', () => {
    assert.equal(markdownRow('category=creativity')[6], '50.0 % [45.1 %, 54.9 %]');
    assert.match(markdown, /- category=creativity: significant drop, 40 losses vs 20 wins/);
  });

  it('has the cost table with a total row equal to the sum of the rows', () => {
    const rows = ['extract math', 'train math', 'validate math'].map((step) => markdownRow(step, '## Cost'));
    assert.deepEqual(rows[0]?.slice(1), [
      '40 min 00 s',
      '36 min 00 s',
      'cuda',
      '1,000,000',
      '200,000',
      '$1.5000',
    ]);
    const usd = rows.map((r) => Number((r[6] ?? '').replace('$', '')));
    assert.equal(
      usd.reduce((a, b) => a + b, 0),
      2.5,
    );
    assert.deepEqual(markdownRow('**total**', '## Cost').slice(1), [
      '**1 h 07 min**',
      '**1 h 00 min**',
      '**cuda**',
      '**1,500,000**',
      '**300,000**',
      '**$2.5000**',
    ]);
  });

  it('shows the training loss as numbers and a sparkline', () => {
    assert.match(markdown, /\| 8 \| 2\.4 \| 0\.9125 \| 0\.9125 \|/);
    assert.match(markdown, /\(8 steps, 2\.4 -> 0\.9125\):\n\n`█▇▅▄▃▂▁▁`/);
  });

  it('escapes markup from the data: no raw <script> or <img>', () => {
    assert.doesNotMatch(markdown, /(?<!\\)<(script|img|\/script)/);
    assert.match(markdown, /run-\\<script>alert\(1\)\\<\/script>/);
    assert.equal(escapeMarkdown('a | b\nc'), 'a \\| b c');
    assert.equal(escapeMarkdown('[x](javascript:alert(1))'), '[x\\](javascript:alert(1))');
  });
});

describe('renderHtml', () => {
  it('is one self-contained page: no script, no external URL', () => {
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<link|@import|url\(|src="http|href="http/i);
    assert.match(html, /<style>/);
  });

  it('escapes every string from the data', () => {
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /run-&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /math &lt;img src=x onerror=alert\(2\)&gt;/);
  });

  it('draws every chart as an <svg> with a stable id, class and accessible name', () => {
    for (const [id, kind] of [
      ['wtl-1', 'wtl'],
      ['failure-rate-1', 'failure-rate'],
      ['loss-1', 'loss'],
    ]) {
      const svg = html.match(new RegExp(`<svg [^>]*id="${id}"[^>]*>`))?.[0];
      assert.ok(svg, `chart ${id} present`);
      assert.match(svg, new RegExp(`class="chart chart-${kind}"`));
      assert.match(svg, /role="img" aria-label="[^"]+"/);
    }
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    // Three outcome bars, and before/after for overall and the forgetting group.
    const wtl = html.slice(html.indexOf('id="wtl-1"'), html.indexOf('</svg>', html.indexOf('id="wtl-1"')));
    assert.equal((wtl.match(/class="bar"/g) ?? []).length, 3);
    assert.equal((wtl.match(/class="whisker"/g) ?? []).length, 9, 'an error bar (line + 2 caps) per bar');
    const failure = html.slice(html.indexOf('id="failure-rate-1"'));
    assert.equal((failure.slice(0, failure.indexOf('</svg>')).match(/class="bar"/g) ?? []).length, 4);
  });

  it('shows the gate statuses as coloured badges and the cost total in the table footer', () => {
    assert.match(html, /<span class="tone tone-pass">PASS<\/span>/);
    assert.match(html, /<span class="tone tone-fail">FAIL<\/span>/);
    assert.match(html, /<span class="tone tone-inconclusive">INCONCLUSIVE<\/span>/);
    const footer = html.match(/<tfoot>(.*?)<\/tfoot>/)?.[1] ?? '';
    assert.match(footer, /total.*1 h 07 min.*1 h 00 min.*cuda.*1,500,000.*300,000.*\$2\.5000/);
  });

  it('refuses an evaluation that is not an object, naming the validation; shows a missing or skipped one', () => {
    const broken = { ...data, validations: [{ category: 'math', reference: 'base', evaluation: 'oops' }] };
    assert.throws(
      () => renderHtml(broken),
      /validation 1 \(math adapter vs base\): evaluation is not a JSON object/,
    );
    const missing = { ...data, validations: [{ category: 'math', reference: 'base', evaluation: null }] };
    assert.match(
      renderMarkdown(missing),
      /### Validation 1: math adapter vs base\n\nNo evaluation was recorded\./,
    );
    const skipped = {
      ...data,
      validations: [{ category: 'code', reference: 'base', evaluation: null, skipped: 'no adapter' }],
    };
    assert.match(renderMarkdown(skipped), /Skipped: no adapter/);
  });

  it('renders a run with nothing done yet', () => {
    const empty = { ...data, steps: [], extracts: [], trainings: [], validations: [], costs: [] };
    const page = renderHtml(empty);
    assert.match(page, /No extract step has run yet/);
    assert.match(page, /No cost has been recorded yet/);
    assert.doesNotMatch(page, /<svg /);
    assert.match(renderMarkdown(empty), /No validation has run yet/);
  });
});

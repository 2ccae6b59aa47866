import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { renderHtml } from '../src/report-html.js';
import { reportFixture } from './support/report-fixture.js';

// The HTML report in a real browser: Debian's chromium (CI installs it, see .ci/run), driven
// by playwright-core without any browser download.
const CHROMIUM = process.env.FAILMINE_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (CI does) or set FAILMINE_CHROMIUM`;
const VIEWPORT = { width: 1280, height: 800 };

// Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian).
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('HTML report in headless Chromium', { skip }, () => {
  let browser: Browser;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'failmine-report-html-'));
    // --no-sandbox: Chromium's own sandbox refuses to start as root, which CI runs as.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders without errors or requests, every chart has a size, and a screenshot is taken', async () => {
    const htmlPath = join(dir, 'report.html');
    writeFileSync(htmlPath, renderHtml(reportFixture()));
    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // The fixture's run id holds <script>alert(1)</script>: a dialog means it ran.
    page.on('dialog', async (d) => {
      problems.push(`dialog: ${d.message()}`);
      await d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(htmlPath).href;
    const response = await page.goto(url, { waitUntil: 'load' });
    assert.ok(response?.ok(), 'the file loads');
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url], 'the page loads nothing but itself');
    assert.equal(await page.title(), 'failmine run report: run-<script>alert(1)</script>');

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          id: svg.id,
          label: svg.getAttribute('aria-label') ?? '',
          width: box.width,
          height: box.height,
          bars: svg.querySelectorAll('rect.bar').length,
          lines: svg.querySelectorAll('path.line').length,
        };
      }),
    );
    assert.deepEqual(
      charts.map((c) => c.id),
      ['loss-1', 'wtl-1', 'failure-rate-1'],
    );
    for (const c of charts) {
      assert.ok(c.width > 200 && c.height > 80, `${c.id} has a size (${c.width} x ${c.height})`);
      assert.notEqual(c.label, '', `${c.id} has an aria-label`);
    }
    assert.equal(charts.find((c) => c.id === 'wtl-1')?.bars, 3);
    assert.equal(charts.find((c) => c.id === 'loss-1')?.lines, 1);
    // The two validation charts sit side by side on a laptop-wide screen.
    const tops = await page.$$eval('#wtl-1, #failure-rate-1', (els) =>
      els.map((e) => e.getBoundingClientRect().top),
    );
    assert.equal(tops[0], tops[1]);
    const gateStatuses = await page.$$eval('table.table-gates .tone', (els) => els.map((e) => e.textContent));
    assert.deepEqual(gateStatuses, ['PASS', 'INCONCLUSIVE', 'FAIL', 'PASS']);

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot });
    const png = readFileSync(shot);
    assert.ok(png.length > 10_000, `a real screenshot, not a blank (${png.length} bytes)`);
    assert.deepEqual(pngSize(png), VIEWPORT);
    await page.close();
  });
});

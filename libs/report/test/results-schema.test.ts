import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderHtml } from '../src/report-html.js';
import { renderMarkdown } from '../src/report-markdown.js';
import { parseRunResults, RunResultsError } from '../src/results-schema.js';
import { reportFixture } from './support/report-fixture.js';

// test/fixtures/results.json is reportFixture() as the coordinator writes it (JSON.stringify
// with 2 spaces); the first test keeps the two from drifting apart.
const FIXTURE_FILE = new URL('./fixtures/results.json', import.meta.url);

type Edit = [path: (string | number)[], value: unknown];

// The fixture file parsed, each edit setting the value at its path (removing it for undefined).
function fixtureWith(...edits: Edit[]): unknown {
  const doc: unknown = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8'));
  for (const [path, value] of edits) {
    let node = doc as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    const last = path.at(-1) as string | number;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return doc;
}

function parseError(value: unknown): string {
  try {
    parseRunResults(value, 'reports/r1/results.json');
  } catch (err) {
    assert.ok(err instanceof RunResultsError, `a RunResultsError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return err.message;
  }
  assert.fail('the document was accepted');
}

describe('parseRunResults', () => {
  it('reads the results.json fixture, and renders from it the same report as from the data', () => {
    const data = parseRunResults(fixtureWith(), 'results.json');
    assert.deepEqual(data, reportFixture());
    const markdown = renderMarkdown(data);
    assert.equal(markdown, renderMarkdown(reportFixture()));
    assert.equal(renderHtml(data), renderHtml(reportFixture()));
    assert.match(markdown, /^# failmine run report: run-\\<script>alert\(1\)\\<\/script>\n/);
    assert.match(markdown, /\| categories \| math \(gsm8k, train, all\) \|/);
    assert.match(markdown, /\| win \| 20\.0 % \| \[17\.9 %, 22\.3 %\] \| 264 \/ 1,319 \|/);
  });

  it('refuses another schemaVersion before reading any field', () => {
    assert.equal(
      parseError({ schemaVersion: 2 }),
      'reports/r1/results.json: schemaVersion: this build reads version 1 only',
    );
    assert.match(
      parseError(fixtureWith([['schemaVersion'], undefined])),
      /^reports\/r1\/results\.json: schemaVersion: /,
    );
  });

  it('names the path of a field of the wrong type, never its value', () => {
    const message = parseError(fixtureWith([['steps', 1, 'wallSeconds'], 'SECRET-VALUE']));
    assert.match(message, /^reports\/r1\/results\.json: steps\.1\.wallSeconds: .*expected number/);
    assert.doesNotMatch(message, /SECRET/);
  });

  it('names a missing field and an unknown key', () => {
    const message = parseError(fixtureWith([['costs'], undefined], [['run', 'extra'], 1]));
    assert.match(message, /unknown key "run\.extra"/);
    assert.match(message, /costs: .*expected array/);
    assert.match(parseError([]), /\(root\): .*expected object/);
  });

  it("checks the evaluator's Evaluation inside a validation, naming the field", () => {
    const evaluation = ['validations', 0, 'evaluation'];
    const message = parseError(
      fixtureWith(
        [[...evaluation, 'overall', 'wins', 'count'], 'SECRET'],
        [[...evaluation, 'gates', 2, 'status'], {}],
      ),
    );
    assert.match(message, /validations\.0\.evaluation\.overall\.wins\.count: .*expected number/);
    assert.match(message, /validations\.0\.evaluation\.gates\.2\.status: expected an enum name or number/);
    assert.doesNotMatch(message, /SECRET/);
  });

  it('reads the Evaluation as proto3 JSON does: enum numbers, "NaN" doubles, unknown fields', () => {
    const evaluation = ['validations', 0, 'evaluation'];
    const doc = fixtureWith(
      [[...evaluation, 'gates', 2, 'status'], 1], // GATE_STATUS_PASS
      [[...evaluation, 'overall', 'mcnemar', 'pValue'], 'NaN'],
      [[...evaluation, 'usage'], { tokensIn: 5 }],
    );
    const markdown = renderMarkdown(parseRunResults(doc, 'results.json'));
    assert.match(markdown, /\| losses stay below 20 % \| loss_rate \| \\< 20\.0 % \| .* \| PASS \|/);
    assert.match(markdown, /\| paired test \| 264 \| 132 \| 43\.340 \| – \| chi2-cc \|/);
  });

  it('reads a NaN loss back (JSON writes it as null) and shows it as a dash', () => {
    const data = reportFixture();
    const training = data.trainings[0];
    assert.ok(training);
    training.finalLoss = Number.NaN;
    const read = parseRunResults(JSON.parse(JSON.stringify(data)), 'results.json');
    assert.ok(Number.isNaN(read.trainings[0]?.finalLoss));
    assert.equal(renderMarkdown(read), renderMarkdown(data));
  });
});

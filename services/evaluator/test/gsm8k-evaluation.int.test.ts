// An evaluation over the real GSM8K test split (1,319 problems, read in place): candidate and
// reference outputs are JSONL files built here from the dataset, graded by a tiny local
// final-answer comparison (the real grader is another service), then summarized.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readReferenceOutputs } from '../src/compare/reference-outputs.js';
import { summarize } from '../src/stats/summarize.js';
import type { PairedOutcome } from '../src/stats/win-tie-loss.js';

const DATASET = fileURLToPath(new URL('../../../../shared/datasets/gsm8k/test.jsonl', import.meta.url));

interface Problem {
  id: string;
  solution: string;
  finalAnswer: number;
  /** Reasoning lines before "####": the usual GSM8K difficulty proxy. */
  steps: number;
}

/** The number after the last "####", commas dropped; NaN when there is none. */
function finalNumber(text: string): number {
  const marker = text.lastIndexOf('####');
  if (marker < 0) return Number.NaN;
  const raw = text
    .slice(marker + 4)
    .trim()
    .replaceAll(',', '');
  return raw === '' ? Number.NaN : Number(raw);
}

function loadGsm8kTest(): Problem[] {
  const lines = readFileSync(DATASET, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const { answer } = JSON.parse(line) as { answer: string };
    const reasoning = answer.slice(0, answer.lastIndexOf('####')).trim();
    return {
      id: `gsm8k/test/${i}`,
      solution: answer,
      finalAnswer: finalNumber(answer),
      steps: reasoning.split('\n').length,
    };
  });
}

function difficulty(steps: number): string {
  return steps <= 3 ? '2-3 steps' : steps <= 5 ? '4-5 steps' : '6+ steps';
}

/** Writes one {id, output} per problem: the dataset's solution, or one with a final answer off by one. */
function writeOutputs(path: string, problems: Problem[], wrong: (index: number) => boolean): void {
  const lines = problems.map((p, i) => {
    const output = wrong(i)
      ? `${p.solution.slice(0, p.solution.lastIndexOf('####'))}#### ${p.finalAnswer + 1}`
      : p.solution;
    return JSON.stringify({ id: p.id, output });
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('evaluation over the real GSM8K test split', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-gsm8k-'));
  const files = {
    allCorrect: join(dir, 'all-correct.jsonl'),
    every7thWrong: join(dir, 'every-7th-wrong.jsonl'),
    every5thWrong: join(dir, 'every-5th-wrong.jsonl'),
  };
  let problems: Problem[];

  before(() => {
    problems = loadGsm8kTest();
    writeOutputs(files.allCorrect, problems, () => false);
    writeOutputs(files.every7thWrong, problems, (i) => i % 7 === 0);
    writeOutputs(files.every5thWrong, problems, (i) => i % 5 === 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Grades both output files against the ground truth and pairs them per problem. */
  async function outcomes(candidateFile: string, referenceFile: string): Promise<PairedOutcome[]> {
    const candidate = await readReferenceOutputs(candidateFile);
    const reference = await readReferenceOutputs(referenceFile);
    return problems.map((p) => ({
      itemId: p.id,
      candidateCorrect: finalNumber(candidate.get(p.id) ?? '') === p.finalAnswer,
      referenceCorrect: finalNumber(reference.get(p.id) ?? '') === p.finalAnswer,
      labels: { category: 'math', dataset: 'gsm8k', difficulty: difficulty(p.steps) },
    }));
  }

  const counts = (e: ReturnType<typeof summarize>) => ({
    items: e.overall.items,
    wins: e.overall.wins.count,
    ties: e.overall.ties.count,
    losses: e.overall.losses.count,
  });

  it('reads all 1,319 problems, each with a numeric final answer', () => {
    assert.equal(problems.length, 1319);
    assert.ok(problems.every((p) => Number.isFinite(p.finalAnswer)));
  });

  it('all-correct against itself: 1,319 ties, both failure rates 0, McNemar p = 1', async () => {
    const e = summarize({
      outcomes: await outcomes(files.allCorrect, files.allCorrect),
      gates: [],
      breakdownBy: [],
    });
    assert.deepEqual(counts(e), { items: 1319, wins: 0, ties: 1319, losses: 0 });
    assert.equal(e.overall.failureRateBefore.count, 0);
    assert.equal(e.overall.failureRateAfter.count, 0);
    assert.deepEqual(e.overall.mcnemar, { wins: 0, losses: 0, statistic: 0, pValue: 1, method: 'exact' });
  });

  // Multiples of 7 in 0..1318: ⌊1318/7⌋ + 1 = 189; of 5: ⌊1318/5⌋ + 1 = 264; of 35: ⌊1318/35⌋ + 1 = 38.
  it('all-correct candidate vs every-7th-wrong reference: 189 wins, 1,130 ties, 0 losses', async () => {
    const e = summarize({
      outcomes: await outcomes(files.allCorrect, files.every7thWrong),
      gates: [],
      breakdownBy: [],
    });
    assert.deepEqual(counts(e), { items: 1319, wins: 189, ties: 1130, losses: 0 });
    assert.equal(e.overall.failureRateBefore.count, 189);
    assert.equal(e.overall.failureRateAfter.count, 0);
    const m = e.overall.mcnemar;
    assert.equal(m.method, 'chi2-cc');
    assert.equal(m.statistic, 188 ** 2 / 189); // (|189 − 0| − 1)² / 189
    // scipy.stats.chi2.sf(187.0053, 1) = 1.4323e-42: far below what 1 − erf could represent
    assert.ok(Math.abs(m.pValue / 1.4323132915389193e-42 - 1) < 1e-6, `p = ${m.pValue}`);
  });

  it('every-7th-wrong candidate vs all-correct reference: 0 wins, 1,130 ties, 189 losses', async () => {
    const e = summarize({
      outcomes: await outcomes(files.every7thWrong, files.allCorrect),
      gates: [],
      breakdownBy: [],
    });
    assert.deepEqual(counts(e), { items: 1319, wins: 0, ties: 1130, losses: 189 });
  });

  it('every-5th-wrong candidate vs every-7th-wrong reference: 151 wins, 942 ties, 226 losses, gates judged', async () => {
    const e = summarize({
      outcomes: await outcomes(files.every5thWrong, files.every7thWrong),
      gates: [],
      breakdownBy: ['dataset', 'difficulty'],
    });
    // wins: multiples of 7 that are not of 35, 189 − 38; losses: of 5 not of 35, 264 − 38
    assert.deepEqual(counts(e), { items: 1319, wins: 151, ties: 942, losses: 226 });
    assert.equal(e.overall.failureRateBefore.count, 189);
    assert.equal(e.overall.failureRateAfter.count, 264);
    assert.equal(e.overall.mcnemar.statistic, (Math.abs(151 - 226) - 1) ** 2 / (151 + 226));
    assert.ok(Math.abs(e.overall.mcnemar.pValue - 1.3829723213011258e-4) < 1e-9); // scipy chi2.sf(14.5252, 1)
    // Wilson: ties 0.7142 [0.6892, 0.7379] > 0.60; wins 0.1145 [0.0984, 0.1328] all below 0.16;
    // losses 0.1713 [0.1520, 0.1926] < 0.20; failure after 0.2002 [0.1794, 0.2226] inside [0.15, 0.25]
    assert.deepEqual(
      e.gates.map((g) => [g.gate.metric, g.status, g.observed.low.toFixed(4), g.observed.high.toFixed(4)]),
      [
        ['tie_rate', 'pass', '0.6892', '0.7379'],
        ['win_rate', 'fail', '0.0984', '0.1328'],
        ['loss_rate', 'pass', '0.1520', '0.1926'],
        ['failure_rate_after', 'pass', '0.1794', '0.2226'],
      ],
    );
    const [dataset, ...byDifficulty] = e.breakdown;
    assert.equal(dataset?.group, 'dataset=gsm8k');
    assert.equal(dataset?.items, 1319);
    assert.deepEqual(
      byDifficulty.map((g) => g.group),
      ['difficulty=2-3 steps', 'difficulty=4-5 steps', 'difficulty=6+ steps'],
    );
    for (const g of byDifficulty) {
      // Recount this group's wins straight from the problem indices, not through the evaluator.
      const label = g.group.slice('difficulty='.length);
      const expectedWins = problems.filter(
        (p, i) => difficulty(p.steps) === label && i % 7 === 0 && i % 5 !== 0,
      ).length;
      assert.equal(g.wins.count, expectedWins, g.group);
    }
    assert.equal(
      byDifficulty.reduce((n, g) => n + g.items, 0),
      1319,
    );
  });
});

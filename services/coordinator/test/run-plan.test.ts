import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import { miningSplits, validationSplit } from '../src/plan/category-sets.js';
import {
  categoryOutputs,
  combinedAdapterDir,
  defaultPlan,
  loadPlanFile,
  parsePlan,
} from '../src/plan/run-plan.js';
import { graderFor, planFromFlags } from '../src/steps/extract/extract-jobs.js';

const dir = mkdtempSync(join(tmpdir(), 'failmine-plan-'));

describe('run plan', () => {
  it('defaults to the seed plan', () => {
    const plan = defaultPlan();
    assert.deepEqual(plan.categories, [{ category: 'math', datasets: ['gsm8k'], split: 'train', limit: 0 }]);
    assert.equal(plan.training.learningRate, 3e-6);
    assert.equal(plan.training.epochs, 2);
    assert.deepEqual(categoryOutputs(plan, 'math'), {
      trainingSet: 'data/phase1b2/math_training_ready.jsonl',
      adapterDir: 'checkpoints/phase1b2_math',
    });
    assert.equal(combinedAdapterDir(plan), 'checkpoints/phase1b2_full');
    assert.equal(plan.model.path, 'checkpoints/phase1a_merged');
  });

  it('reads YAML and JSON plan files, filling the defaults', () => {
    writeFileSync(join(dir, 'p.yaml'), 'model:\n  path: m\ncategories:\n  - category: math\n    limit: 20\n');
    writeFileSync(
      join(dir, 'p.json'),
      JSON.stringify({ model: { path: 'm' }, categories: [{ category: 'math', limit: 20 }] }),
    );
    const yaml = loadPlanFile(join(dir, 'p.yaml'));
    assert.deepEqual(yaml, loadPlanFile(join(dir, 'p.json')));
    assert.equal(yaml.categories[0]?.limit, 20);
    assert.equal(yaml.training.learningRate, 3e-6);
  });

  it('names the file and key path of every unknown key and bad value', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'trainig:\n  epochs: 2\ntraining:\n  epochs: -1\n');
    assert.throws(
      () => loadPlanFile(join(dir, 'bad.yaml')),
      (err: Error) =>
        /bad\.yaml: /.test(err.message) &&
        /unknown key "trainig"/.test(err.message) &&
        /training\.epochs: /.test(err.message),
    );
  });

  it('lets flags override the plan file', () => {
    writeFileSync(join(dir, 'f.yaml'), 'outputDir: out\nsampling:\n  maxNewTokens: 64\n');
    const plan = planFromFlags({ plan: join(dir, 'f.yaml'), limit: '5', maxNewTokens: '8' });
    assert.equal(plan.outputDir, 'out');
    assert.equal(plan.sampling.maxNewTokens, 8);
    assert.deepEqual(plan.categories, [{ category: 'math', datasets: ['gsm8k'], split: 'train', limit: 5 }]);
  });

  it("defaults training and validation to the trainer's and the seed plan's values", () => {
    const plan = defaultPlan();
    assert.deepEqual(plan.training, {
      learningRate: 3e-6,
      epochs: 2,
      batchSize: 4,
      maxSeqLen: 512,
      loraR: 8,
      seed: 42,
      saveSteps: 0,
    });
    assert.deepEqual(plan.validation, { reference: 'base', split: 'test', limit: 0 });
    assert.equal(plan.combined, true);
  });

  it('keeps the defaults of the keys a plan leaves out of training and validation', () => {
    const plan = parsePlan({ training: { loraR: 16 }, validation: { limit: 50 } });
    assert.equal(plan.training.loraR, 16);
    assert.equal(plan.training.learningRate, 3e-6);
    assert.deepEqual(plan.validation, { reference: 'base', split: 'test', limit: 50 });
  });

  for (const [input, key] of [
    [{ training: { loraR: 0 } }, 'training.loraR'],
    [{ training: { batchSize: 2.5 } }, 'training.batchSize'],
    [{ training: { maxSeqLen: 1 } }, 'training.maxSeqLen'],
    [{ training: { seed: 0 } }, 'training.seed'],
    [{ training: { saveSteps: -1 } }, 'training.saveSteps'],
    [{ validation: { limit: -1 } }, 'validation.limit'],
    [{ validation: { split: '' } }, 'validation.split'],
    [{ validation: { reference: 7 } }, 'validation.reference'],
  ] as const) {
    it(`rejects a bad ${key} with InvalidArgumentError naming the key`, () => {
      assert.throws(
        () => parsePlan(input, 'p.yaml'),
        (err: Error) =>
          err instanceof InvalidArgumentError &&
          err.message.startsWith('p.yaml: ') &&
          err.message.includes(`${key}: `),
      );
    });
  }

  it('names an unknown key under validation', () => {
    assert.throws(
      () => parsePlan({ validation: { refrence: 'base' } }),
      /unknown key "validation\.refrence"/,
    );
  });
});

describe('category datasets and splits', () => {
  const threeCategories = (extra: Record<string, unknown> = {}) =>
    parsePlan({
      categories: [{ category: 'math' }, { category: 'code' }, { category: 'creativity' }],
      ...extra,
    });

  it('mines each dataset on its own split and validates on a disjoint held-out one', () => {
    const plan = threeCategories();
    assert.deepEqual(
      plan.categories.map((c) => [c.category, miningSplits(c)]),
      [
        ['math', [{ dataset: 'gsm8k', split: 'train' }]],
        ['code', [{ dataset: 'mbpp', split: 'train' }]],
        ['creativity', [{ dataset: 'mmlu', split: 'dev' }]],
      ],
    );
    assert.deepEqual(
      plan.categories.map((c) => validationSplit(plan, c)),
      [
        { dataset: 'gsm8k', split: 'test' },
        { dataset: 'mbpp', split: 'test' },
        { dataset: 'mmlu', split: 'test' },
      ],
    );
    assert.deepEqual(
      plan.categories.map((c) => graderFor(c.category)),
      ['gsm8k-numeric', 'code-exec', 'multiple-choice'],
    );
  });

  it('keeps the seed plan bytes for a math entry without a split', () => {
    const plan = parsePlan({ categories: [{ category: 'math' }] });
    assert.equal(
      JSON.stringify(plan.categories),
      '[{"category":"math","datasets":[],"split":"train","limit":0}]',
    );
  });

  it('mines HumanEval test beside MBPP train and validates code on MBPP test, never a mined split', () => {
    const plan = parsePlan({ categories: [{ category: 'code', datasets: ['humaneval', 'mbpp'] }] });
    const code = plan.categories[0];
    assert.ok(code);
    assert.equal(code.split, undefined, 'the two datasets mine different splits');
    const mined = miningSplits(code);
    assert.deepEqual(mined, [
      { dataset: 'humaneval', split: 'test' },
      { dataset: 'mbpp', split: 'train' },
    ]);
    const held = validationSplit(plan, code);
    assert.deepEqual(held, { dataset: 'mbpp', split: 'test' });
    assert.ok(!mined.some((m) => m.dataset === held?.dataset && m.split === held?.split));
  });

  it('refuses a plan whose only held-out set is mined, naming validation.split', () => {
    assert.throws(
      () => parsePlan({ categories: [{ category: 'code', datasets: ['humaneval'] }] }, 'p.yaml'),
      (err: Error) =>
        err instanceof InvalidArgumentError &&
        /^p\.yaml: validation\.split: code has no held-out "test" split that is not mined \(it mines humaneval\/test\)/.test(
          err.message,
        ),
    );
    assert.throws(
      () => parsePlan({ categories: [{ category: 'math', split: 'test' }] }, 'p.yaml'),
      /p\.yaml: validation\.split: math has no held-out "test" split that is not mined \(it mines gsm8k\/test\)/,
    );
  });

  it('refuses a dataset of another category, naming the key', () => {
    assert.throws(
      () =>
        threeCategories({ categories: [{ category: 'math' }, { category: 'code', datasets: ['gsm8k'] }] }),
      (err: Error) =>
        err instanceof InvalidArgumentError &&
        err.message ===
          'plan: categories[1].datasets[0]: "gsm8k" is not a code dataset (code: mbpp, humaneval)',
    );
    assert.throws(
      () => parsePlan({ categories: [{ category: 'creativity', datasets: ['mmlu', 'trivia'] }] }),
      /categories\[0\]\.datasets\[1\]: "trivia" is not a creativity dataset \(creativity: mmlu\)/,
    );
  });

  it('refuses a split a listed dataset lacks and a category listed twice, naming the key', () => {
    assert.throws(
      () => parsePlan({ categories: [{ category: 'creativity', split: 'train' }] }),
      /categories\[0\]\.split: mmlu has no split "train" \(splits: dev, val, test\)/,
    );
    assert.throws(
      () => parsePlan({ categories: [{ category: 'math' }, { category: 'math', limit: 3 }] }),
      /categories\[1\]\.category: "math" is listed twice/,
    );
  });

  it('keeps the plan split, gives a flag-added category its own, and holds --dataset to the overlap rule', () => {
    writeFileSync(join(dir, 'c.yaml'), 'categories:\n  - category: creativity\n    split: dev\n');
    const plan = planFromFlags({
      plan: join(dir, 'c.yaml'),
      categories: 'creativity,code',
      dataset: undefined,
    });
    assert.deepEqual(plan.categories, [
      { category: 'creativity', datasets: [], split: 'dev', limit: 0 },
      { category: 'code', datasets: ['mbpp'], split: 'train', limit: 0 },
    ]);
    assert.throws(
      () => planFromFlags({ categories: 'code', dataset: 'humaneval', limit: '4' }),
      /flags: validation\.split: code has no held-out "test" split that is not mined \(it mines humaneval\/test\)/,
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import { planFromFlags } from '../src/extract/extract-jobs.js';
import {
  categoryOutputs,
  combinedAdapterDir,
  defaultPlan,
  loadPlanFile,
  parsePlan,
} from '../src/plan/run-plan.js';

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

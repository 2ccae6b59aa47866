import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { killLeftoverProcesses } from '@failmine/topology';
import { DATASETS_DIR } from './support/extract-checks.js';
import { runCli } from './support/run-cli.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

// `failmine train` and `failmine validate` with the seed plan's flags, each a one-step run
// with its services started on loopback (trainer; dataset, inference, grader, evaluator).
let model = '';
let root = '';

before(async () => {
  model = await writeTinyModelDir();
  root = mkdtempSync(join(tmpdir(), 'failmine-train-cmd-'));
  const records = Array.from({ length: 8 }, (_, i) =>
    JSON.stringify({ instruction: `What is ${i} + ${i}?`, output: `${i} + ${i} = ${2 * i}\n#### ${2 * i}` }),
  );
  writeFileSync(join(root, 'math_training_ready.jsonl'), `${records.join('\n')}\n`);
});

after(() => {
  killLeftoverProcesses();
  rmSync(root, { recursive: true, force: true });
});

describe('failmine train and validate', () => {
  const adapter = () => join(root, 'phase1b2_math');
  const trainArgs = () => [
    'train',
    '--model_name',
    model,
    '--dataset_path',
    join(root, '*_training_ready.jsonl'),
    '--output_dir',
    adapter(),
    '--num_train_epochs',
    '1',
    '--learning_rate',
    '1e-2',
    '--db-dir',
    join(root, 'db'),
  ];

  it('train writes the PEFT adapter; the same command again does nothing', async () => {
    const res = await runCli(trainArgs());
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /train math: 8 records, 2 steps, final loss \d/);
    assert.ok(existsSync(join(adapter(), 'adapter_config.json')));
    assert.ok(existsSync(join(adapter(), 'adapter_model.safetensors')));
    const again = await runCli(trainArgs());
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /train math: .*\(done before\)/);
  });

  it('validate compares base + adapter with the base model on GSM8K test', async () => {
    const res = await runCli([
      'validate',
      '--model',
      model,
      '--adapter',
      adapter(),
      '--reference',
      'base',
      '--categories',
      'math',
      '--limit',
      '4',
      '--max-new-tokens',
      '8',
      '--data-dir',
      DATASETS_DIR,
      '--db-dir',
      join(root, 'db'),
    ]);
    assert.equal(res.code, 0, res.stderr + res.stdout);
    const m = /validate math: 4 items, W\/T\/L (\d+)\/(\d+)\/(\d+)/.exec(res.stdout);
    assert.ok(m, res.stdout);
    assert.equal(Number(m[1]) + Number(m[2]) + Number(m[3]), 4);
    assert.match(res.stdout, /\| math \| 4 \| .*failure_rate_after /);
    assert.ok(existsSync(`${adapter()}_math_validation_items.jsonl`));
  });
});

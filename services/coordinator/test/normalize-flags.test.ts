import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeFlags } from '../src/cli/normalize-flags.js';

describe('normalizeFlags', () => {
  it("turns the seed plan's snake_case flags into kebab-case, keeping values", () => {
    assert.deepEqual(normalizeFlags(['train', '--learning_rate', '3e-6', '--num_train_epochs=2']), [
      'train',
      '--learning-rate',
      '3e-6',
      '--num-train-epochs=2',
    ]);
  });

  it('leaves values, positionals and everything after -- alone', () => {
    assert.deepEqual(
      normalizeFlags(['run', 'my_plan.yaml', '--output-dir', 'data/phase1b2', '--', '--x_y']),
      ['run', 'my_plan.yaml', '--output-dir', 'data/phase1b2', '--', '--x_y'],
    );
  });
});

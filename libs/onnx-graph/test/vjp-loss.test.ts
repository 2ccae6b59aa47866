import { describe, it } from 'node:test';
import { crossEntropyLoss, type Tensor } from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

/** torch's cross_entropy(logits.view(-1, V), labels.view(-1), ignore_index) in plain JS. */
function referenceLoss(logits: Float64Array, labels: number[], classes: number, ignoreIndex: number): number {
  let total = 0;
  let counted = 0;
  labels.forEach((label, row) => {
    if (label === ignoreIndex) return;
    const z = logits.slice(row * classes, (row + 1) * classes);
    const max = Math.max(...z);
    const logSum = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
    total += logSum - (z[label] as number);
    counted++;
  });
  return counted === 0 ? 0 : total / counted;
}

function lossCase(labels: number[], ignoreIndex = -100) {
  const [B, T, V] = [2, 3, 4];
  return checkGradients({
    op: `crossEntropyLoss labels [${labels}]`,
    shapes: [[B, T, V]],
    build: (g, [logits]) => {
      const data = BigInt64Array.from(labels.map(BigInt));
      return crossEntropyLoss(
        g,
        logits as Tensor,
        g.constant({ dtype: 'int64', dims: [B, T], data }),
        ignoreIndex,
      );
    },
    points: ['random', 'zeros', 'wide'],
    reference: ([logits]) => [referenceLoss(logits as Float64Array, labels, V, ignoreIndex)],
  });
}

describe('crossEntropyLoss and its gradient', () => {
  it('every position counted', () => lossCase([0, 3, 1, 2, 2, 3]));
  it('ignored positions (-100) leave the mean and get no gradient', () =>
    lossCase([0, -100, 1, -100, -100, 3]));
  it('a custom ignore index', () => lossCase([0, 3, 1, 2, 2, 3], 3));
  it('every position ignored: loss 0, not NaN', () => lossCase([-100, -100, -100, -100, -100, -100]));
});

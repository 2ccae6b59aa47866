import { describe, it } from 'node:test';
import { logSoftmax, softmax, type Tensor } from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

describe('VJP of Softmax and LogSoftmax', () => {
  for (const [name, op] of Object.entries({ Softmax: softmax, LogSoftmax: logSoftmax })) {
    for (const axis of [-1, 0, 1]) {
      it(`${name} along axis ${axis}`, () =>
        checkGradients({
          op: `${name} axis ${axis}`,
          shapes: [[2, 3, 4]],
          build: (g, [x]) => op(g, x as Tensor, axis),
          // wide: large logits, where softmax is nearly one-hot.
          points: ['random', 'zeros', 'wide'],
        }));
    }
    it(`${name} over a single class (softmax = 1)`, () =>
      checkGradients({
        op: `${name} one class`,
        shapes: [[3, 1]],
        build: (g, [x]) => op(g, x as Tensor, -1),
      }));
  }
});

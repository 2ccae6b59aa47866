import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adamwStep, initAdamW } from '../src/adamw.js';
import { clipGradNorm, globalNorm } from '../src/grad-clip.js';
import { learningRateAt, warmupSteps } from '../src/lr-schedule.js';

const OPTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

describe('AdamW, schedule and clipping', () => {
  it('AdamW follows torch.optim.AdamW (decoupled decay, bias correction) over two steps', () => {
    const params = new Map([
      ['w', { dims: [2], data: Float32Array.of(1, 1) }],
      ['norm', { dims: [1], data: Float32Array.of(1) }],
    ]);
    const state = initAdamW(params);
    const grads = (g: number) =>
      new Map([
        ['w', Float32Array.of(g, 0)],
        ['norm', Float32Array.of(g)],
      ]);
    adamwStep(params, grads(0.5), state, 0.1, { ...OPTS, noDecay: new Set(['norm']) });
    // p = 1 * (1 - lr * wd) - lr * m_hat / (sqrt(v_hat) + eps), worked by hand in float64.
    assert.ok(Math.abs((params.get('w')?.data[0] as number) - 0.899000002) < 1e-7);
    // A zero gradient still decays the weight: decoupled decay acts on the weight, not the gradient.
    assert.equal(params.get('w')?.data[1], Math.fround(0.999));
    assert.ok(Math.abs((params.get('norm')?.data[0] as number) - 0.900000002) < 1e-7, 'no decay on norm');
    adamwStep(params, grads(-0.25), state, 0.1, { ...OPTS, noDecay: new Set(['norm']) });
    assert.ok(Math.abs((params.get('w')?.data[0] as number) - 0.8714672987058463) < 1e-6);
    assert.equal(state.step, 2);
  });

  it('linear, cosine and constant schedules with warmup (HF semantics: step = steps done)', () => {
    assert.equal(warmupSteps(10, 0.25), 3);
    const at = (kind: 'linear' | 'cosine' | 'constant', step: number) => learningRateAt(kind, 1, step, 10, 2);
    assert.deepEqual(
      [0, 1].map((s) => at('linear', s)),
      [0, 0.5],
    );
    assert.deepEqual(
      [2, 6, 10].map((s) => at('linear', s)),
      [1, 0.5, 0],
    );
    assert.ok(Math.abs(at('cosine', 6) - 0.5) < 1e-12);
    assert.equal(at('cosine', 10), 0);
    assert.deepEqual(
      [0, 5, 9].map((s) => at('constant', s)),
      [0, 1, 1],
    );
    assert.equal(learningRateAt('linear', 3e-6, 0, 4, 0), 3e-6, 'no warmup: the first step runs at the peak');
  });

  it('clips to the global norm as torch.nn.utils.clip_grad_norm_ does', () => {
    const grads = new Map([
      ['a', Float32Array.of(3)],
      ['b', Float32Array.of(0, 4)],
    ]);
    assert.equal(clipGradNorm(grads, 1), 5, 'returns the norm before clipping');
    assert.ok(Math.abs(globalNorm(grads) - 1) < 1e-6);
    const small = new Map([['a', Float32Array.of(0.3)]]);
    clipGradNorm(small, 1);
    assert.equal(small.get('a')?.[0], Math.fround(0.3), 'under the threshold: untouched');
  });
});

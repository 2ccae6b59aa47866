import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import {
  add,
  cast,
  differentiate,
  GraphBuilder,
  mul,
  reduceSum,
  shapeOf,
  type Tensor,
  unary,
  VJP_RULES,
  type VjpRule,
} from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

/** A float32 input x [2, 3] and loss = sum(f(x)). */
function lossOf(f: (g: GraphBuilder, x: Tensor) => Tensor): { g: GraphBuilder; x: Tensor; loss: Tensor } {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [2, 3]);
  return { g, x, loss: reduceSum(g, f(g, x), [0, 1], false) };
}

describe('differentiate', () => {
  it('adds the gradients of a value used by several nodes', () =>
    checkGradients({
      op: 'x*x + exp(x) + x',
      shapes: [[2, 3]],
      build: (g, [x]) =>
        add(g, add(g, mul(g, x as Tensor, x as Tensor), unary(g, 'Exp', x as Tensor)), x as Tensor),
    }));

  it('passes no gradient through integer values (Shape, then Cast to float)', () =>
    checkGradients({
      op: 'x * float(shape(x))',
      shapes: [[3, 2]],
      build: (g, [x]) => mul(g, x as Tensor, cast(g, shapeOf(g, x as Tensor), 'float64')),
    }));

  it('names the op and node when no VJP rule exists', () => {
    const { g, x, loss } = lossOf(
      (g, x) => g.node('Tanh', [x], [{ dtype: x.dtype, shape: x.shape }])[0] as Tensor,
    );
    assert.throws(() => differentiate(g, loss, [x]), /no VJP rule for op Tanh \(node "Tanh_node"\)/);
  });

  it('refuses a rule that returns the wrong number of gradients', () => {
    const { g, x, loss } = lossOf((g, x) => unary(g, 'Exp', x));
    const broken: VjpRule = ({ dy }) => [() => dy, null];
    const rules = new Map([...VJP_RULES, ['Exp', broken]]);
    assert.throws(
      () => differentiate(g, loss, [x], { rules }),
      /VJP of Exp \(node "Exp_node"\) returned 2 gradients for 1 inputs/,
    );
  });

  it('refuses a gradient whose shape differs from its input, naming op and input', () => {
    const { g, x, loss } = lossOf((g, x) => unary(g, 'Exp', x));
    const rules = new Map<string, VjpRule>([
      ...VJP_RULES,
      ['Exp', ({ g }) => [() => g.input('wrong', 'float32', [3, 2])]],
    ]);
    assert.throws(
      () => differentiate(g, loss, [x], { rules }),
      /VJP of Exp .* gave input 0 \("x", float32 \[2,3\]\) a gradient of float32 \[3,2\]/,
    );
  });

  it('refuses a wrt tensor the loss does not use, unless allowUnused (then zeros)', async () => {
    const { g, x, loss } = lossOf((g, x) => unary(g, 'Exp', x));
    const unused = g.input('unused', 'float32', [4]);
    assert.throws(() => differentiate(g, loss, [x, unused]), /loss ".*" does not depend on "unused"/);
    const grads = differentiate(g, loss, [x, unused], { allowUnused: true });
    g.output(grads.get('unused') as Tensor, 'd_unused');
    g.output(grads.get('x') as Tensor, 'd_x');
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({
      x: new ort.Tensor('float32', new Float32Array(6), [2, 3]),
      unused: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [4]),
    });
    assert.deepEqual(Array.from(out.d_unused?.data as Float32Array), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(out.d_x?.data as Float32Array), [1, 1, 1, 1, 1, 1]); // exp(0)
  });

  it('refuses a non-scalar loss and a non-float wrt tensor', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    const ids = g.input('ids', 'int64', [2]);
    assert.throws(() => differentiate(g, unary(g, 'Exp', x), [x]), /must be a scalar, its shape is \[2\]/);
    const loss = reduceSum(g, x, [0], false);
    assert.throws(() => differentiate(g, loss, [ids]), /"ids" is int64; only float values have gradients/);
  });

  it('emits nothing for constants: no backward node reads an initializer-only branch', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3]);
    const c = g.constant({ dtype: 'float32', dims: [3], data: Float32Array.of(1, 2, 3) });
    const loss = reduceSum(g, mul(g, x, unary(g, 'Exp', c)), [0], false);
    const before = g.nodes.length;
    differentiate(g, loss, [x]);
    const backward = g.nodes.slice(before);
    // d/dx sum(x * e^c) needs the ReduceSum and Mul rules only: no Exp (Exp's rule) is emitted.
    assert.ok(!backward.some((n) => n.opType === 'Exp'), backward.map((n) => n.opType).join(','));
  });
});

describe('VJP_RULES', () => {
  it('has a rule for every op the decoder and the cross-entropy loss put on a gradient path', () => {
    // biome-ignore format: a table reads better wrapped by family
    const needed = [
      'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Where',
      'Sqrt', 'Reciprocal', 'Neg', 'Exp', 'Log', 'Sigmoid', 'Cos', 'Sin', 'Identity', 'Cast',
      'MatMul', 'ReduceMean', 'ReduceSum', 'Softmax', 'LogSoftmax',
      'Reshape', 'Transpose', 'Unsqueeze', 'Squeeze', 'Expand', 'Concat', 'Slice', 'Gather', 'GatherElements',
    ];
    assert.deepEqual(
      needed.filter((op) => !VJP_RULES.has(op)),
      [],
    );
  });
});

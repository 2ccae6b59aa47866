import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import {
  add,
  concat,
  expand,
  GraphBuilder,
  gather,
  gatherElements,
  matMul,
  reduceMean,
  reshape,
  slice,
  softmax,
  squeeze,
  transpose,
  unsqueeze,
} from '../src/index.js';

async function run(g: GraphBuilder, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(g.toBytes());
  return (await session.run(feeds)) as Record<string, ort.Tensor>;
}

describe('GraphBuilder', () => {
  it('serializes a graph that onnxruntime runs with the expected numbers', async () => {
    const g = new GraphBuilder('affine');
    const x = g.input('x', 'float32', ['batch', 2]);
    const w = g.initializer('w', { dtype: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    const b = g.initializer('b', { dtype: 'float32', dims: [3], data: Float32Array.of(0.5, -1, 2) });
    const y = add(g, matMul(g, x, w), b);
    assert.deepEqual(y.shape, ['batch', 3]);
    g.output(softmax(g, y), 'probs');
    g.output(y, 'y');
    const out = await run(g, { x: new ort.Tensor('float32', Float32Array.of(1, 0, 0, 1), [2, 2]) });
    assert.deepEqual(Array.from(out.y?.data as Float32Array), [1.5, 1, 5, 4.5, 4, 8]);
    const p = out.probs?.data as Float32Array;
    const z = Math.exp(1.5) + Math.exp(1) + Math.exp(5);
    assert.ok(Math.abs((p[2] as number) - Math.exp(5) / z) < 1e-6);
  });

  it('infers shapes through reshape, transpose, slice, concat, unsqueeze and gather', async () => {
    const g = new GraphBuilder();
    const ids = g.input('ids', 'int64', ['B', 'T']);
    const table = g.initializer('table', {
      dtype: 'float32',
      dims: [5, 4],
      data: Float32Array.from({ length: 20 }, (_, i) => i),
    });
    const e = gather(g, table, ids);
    assert.deepEqual(e.shape, ['B', 'T', 4]);
    const r = reshape(g, e, [0, 0, 2, 2]);
    assert.deepEqual(r.shape, ['B', 'T', 2, 2]);
    const t = transpose(g, r, [0, 2, 1, 3]);
    assert.deepEqual(t.shape, ['B', 2, 'T', 2]);
    const half = slice(g, t, [0], [1], [3]);
    assert.deepEqual(half.shape, ['B', 2, 'T', 1]);
    const c = concat(g, [half, half], 3);
    assert.deepEqual(c.shape, ['B', 2, 'T', 2]);
    const u = unsqueeze(g, reduceMean(g, c, [-1], false), [1]);
    assert.deepEqual(u.shape, ['B', 1, 2, 'T']);
    g.output(u, 'out');
    const out = await run(g, { ids: new ort.Tensor('int64', BigInt64Array.of(1n, 4n), [1, 2]) });
    // row 1 = [4,5,6,7] -> heads [[4,5],[6,7]]; first element of each head: 4 and 6.
    assert.deepEqual(out.out?.dims, [1, 1, 2, 2]);
    assert.deepEqual(Array.from(out.out?.data as Float32Array), [4, 16, 6, 18]);
  });

  it('rejects an initializer whose data does not match its dims, naming it', () => {
    const g = new GraphBuilder();
    assert.throws(
      () => g.initializer('w', { dtype: 'float32', dims: [2, 3], data: new Float32Array(5) }),
      /initializer "w": dims \[2,3\] need 6 elements, data has 5/,
    );
  });

  it('refuses shapes that cannot broadcast', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [4]);
    assert.throws(() => add(g, a, b), /do not broadcast/);
  });

  it("infers a reshape's -1 dim by cancelling symbols", () => {
    const g = new GraphBuilder();
    const q = g.input('q', 'float32', ['B', 4, 'T', 8]);
    assert.deepEqual(reshape(g, q, [0, 2, 2, -1, 8]).shape, ['B', 2, 2, 'T', 8]);
    assert.deepEqual(reshape(g, q, [0, -1]).shape, ['B', 'q_reshaped_1']);
  });

  it('infers shapes of squeeze, expand and gatherElements, refusing impossible ones', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 1, 'T']);
    assert.deepEqual(squeeze(g, x, [1]).shape, [2, 'T']);
    assert.throws(() => squeeze(g, x, [0]), /Squeeze: axis 0 of \[2,1,T\] has size 2, not 1/);
    assert.deepEqual(expand(g, x, [3, 1, 1, 1]).shape, [3, 2, 1, 'T']);
    const idx = g.input('idx', 'int64', [2, 1, 5]);
    assert.deepEqual(gatherElements(g, x, idx, 2).shape, [2, 1, 5]);
    assert.throws(() => gatherElements(g, x, g.input('bad', 'int64', [2]), 0), /must have the rank of x/);
  });
});
